#include "server/grpc/health_service.h"

#include <utility>

#include "grpc/support/time.h"

namespace regserve::server {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

HealthService::HealthService(std::vector<std::string> services)
    : services_(services.begin(), services.end()) {}

void HealthService::SetServing(bool serving) {
  serving_.store(serving);
  absl::MutexLock lock(&mu_);
  for (HealthWatchCall* watcher : watchers_) watcher->Wake();
}

void HealthService::Shutdown() {
  shutting_down_.store(true);
  SetServing(false);
}

HealthService::ServingStatus HealthService::StatusOf(
    const std::string& service) const {
  if (!service.empty() && !services_.contains(service)) {
    return HealthCheckResponse::SERVICE_UNKNOWN;
  }
  return serving_.load() && !shutting_down_.load()
             ? HealthCheckResponse::SERVING
             : HealthCheckResponse::NOT_SERVING;
}

grpc::Status HealthService::Check(const HealthCheckRequest& request,
                                  HealthCheckResponse* response) const {
  const ServingStatus status = StatusOf(request.service());
  if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "unknown service '" + request.service() + "'");
  }
  response->set_status(status);
  return grpc::Status::OK;
}

void HealthService::ArmWatch(grpc::ServerCompletionQueue* cq,
                             SlotsState* slots) {
  (new HealthWatchCall(this, cq, slots))->Start();
}

void HealthService::AddWatcher(HealthWatchCall* watcher) {
  absl::MutexLock lock(&mu_);
  watchers_.insert(watcher);
}

void HealthService::RemoveWatcher(HealthWatchCall* watcher) {
  absl::MutexLock lock(&mu_);
  watchers_.erase(watcher);
}

HealthWatchCall::HealthWatchCall(HealthService* health,
                                 grpc::ServerCompletionQueue* cq,
                                 SlotsState* slots)
    : health_(health), cq_(cq), slots_(slots), writer_(&context_) {
  done_tag_.call = this;
  alarm_tag_.call = this;
}

void HealthWatchCall::Start() {
  context_.AsyncNotifyWhenDone(&done_tag_);
  health_->async_service()->RequestWatch(&context_, &request_, &writer_, cq_,
                                         cq_, this);
}

void HealthWatchCall::Proceed(bool ok) {
  if (!started_) {
    // Never started (server shutting down): gRPC will not return the done
    // tag either, so nothing else refers to this call.
    if (!ok) {
      delete this;
      return;
    }
    OnStarted();
    return;
  }
  if (finishing_) {
    finishing_ = false;
    MaybeDelete();
    return;
  }
  writing_ = false;
  if (!ok) {  // the client went away; the done tag follows
    MaybeDelete();
    return;
  }
  SendUpdateOrFinish();
}

void HealthWatchCall::OnStarted() {
  started_ = true;
  if (!slots_->shutting_down.load(std::memory_order_acquire)) {
    health_->ArmWatch(cq_, slots_);  // the next watcher's slot
  }
  if (const auto& authorize = health_->watch_authorization(); authorize) {
    grpc::Status allowed = authorize(context_);
    if (!allowed.ok()) {  // --auth_health covers Watch as it does Check
      finishing_ = true;
      writer_.Finish(allowed, this);
      return;
    }
  }
  health_->AddWatcher(this);
  SendUpdateOrFinish();
}

void HealthWatchCall::SendUpdateOrFinish() {
  if (done_ || writing_ || finishing_) return;
  const int status = health_->StatusOf(request_.service());
  if (status != sent_status_) {
    response_.set_status(static_cast<HealthService::ServingStatus>(status));
    sent_status_ = status;
    writing_ = true;
    writer_.Write(response_, this);
    return;
  }
  if (health_->shutting_down()) {
    finishing_ = true;
    writer_.Finish(grpc::Status::OK, this);
  }
}

void HealthWatchCall::Wake() {
  bool expected = false;
  if (alarm_armed_.compare_exchange_strong(expected, true)) {
    alarm_.Set(cq_, gpr_now(GPR_CLOCK_MONOTONIC), &alarm_tag_);
  }
}

void HealthWatchCall::OnAlarm() {
  alarm_armed_.store(false);
  if (done_) {
    MaybeDelete();
    return;
  }
  SendUpdateOrFinish();
}

void HealthWatchCall::OnDone() {
  done_ = true;
  health_->RemoveWatcher(this);  // after this, no Wake() can start
  MaybeDelete();
}

void HealthWatchCall::MaybeDelete() {
  if (done_ && !writing_ && !finishing_ && !alarm_armed_.load()) delete this;
}

}  // namespace regserve::server

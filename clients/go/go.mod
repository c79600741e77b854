// The module path matches the proto's go_package "regserve/gen/regserve/v1".
// Offline builds (build.sh) use GOPATH mode with Debian's Go packages and
// ignore this file; with network access, `go mod tidy` fills go.sum.
module regserve

go 1.19

require (
	google.golang.org/grpc v1.33.3
	google.golang.org/protobuf v1.28.1
)

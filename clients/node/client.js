'use strict';
// A small promise-based client for regserve.v1.PredictionService. The API is
// loaded from proto/ at run time with @grpc/proto-loader (no generated code).
//
//   const { RegserveClient } = require('./client');
//   const client = new RegserveClient('localhost:50051');
//   // TLS: new RegserveClient('localhost:50051', { caFile: 'tls/ca.pem',
//   //   certFile: 'tls/client.pem', keyFile: 'tls/client.key' });
//   const r = await client.predict({ CRIM: 0.00632, /* ... */ LSTAT: 4.98 });
//   console.log(r.prediction);  // 30.00384338...
//   client.close();

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_DIR = path.resolve(__dirname, '..', '..', 'proto');
const PROTO_FILE = 'regserve/v1/prediction_service.proto';

const packageDefinition = protoLoader.loadSync(PROTO_FILE, {
  includeDirs: [PROTO_DIR],
  keepCase: true, // field names exactly as in the proto: model_spec, ...
  longs: Number, // int64 versions as numbers (they are small)
  enums: String, // VersionState as 'VERSION_STATE_AVAILABLE'
  defaults: true,
  oneofs: true,
});
const regservev1 = grpc.loadPackageDefinition(packageDefinition).regserve.v1;

// A failed call: code is the gRPC status name, e.g. 'NOT_FOUND'.
class RegserveError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.name = 'RegserveError';
    this.code = code;
    this.details = message;
  }
}

// Channel credentials and options from the TLS options, the same rules as
// regserve-cli's --tls_* flags: caFile turns TLS on; certFile and keyFile
// (mutual TLS) go together; serverName needs caFile. Throws a TypeError for a
// bad combination, the fs error for an unreadable file.
function tlsChannel({ caFile, certFile, keyFile, serverName } = {}) {
  if (!caFile) {
    if (certFile || keyFile || serverName) {
      throw new TypeError('certFile, keyFile and serverName need caFile');
    }
    return { credentials: grpc.credentials.createInsecure(), channelOptions: {} };
  }
  if (!certFile !== !keyFile) {
    throw new TypeError('certFile and keyFile must be given together');
  }
  const read = (file) => (file ? fs.readFileSync(file) : null);
  return {
    credentials: grpc.credentials.createSsl(read(caFile), read(keyFile),
      read(certFile)),
    channelOptions: serverName
      ? { 'grpc.ssl_target_name_override': serverName } : {},
  };
}

class RegserveClient {
  // target: HOST:PORT. options.timeoutMs: each call's deadline.
  // TLS: options.caFile (PEM CA bundle of the server's certificate; set =
  // TLS, unset = plaintext), options.certFile and options.keyFile (PEM
  // client certificate and key, mutual TLS), options.serverName (name to
  // verify the server's certificate against instead of the target host).
  // options.credentials: grpc.ChannelCredentials of your own instead.
  constructor(target = 'localhost:50051', options = {}) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    if (options.credentials && options.caFile) {
      throw new TypeError('pass either credentials or caFile');
    }
    const tls = tlsChannel(options);
    this.stub = new regservev1.PredictionService(target,
      options.credentials ?? tls.credentials, tls.channelOptions);
  }

  close() {
    this.stub.close();
  }

  call(method, request) {
    return new Promise((resolve, reject) => {
      this.stub[method](request, { deadline: Date.now() + this.timeoutMs },
        (err, response) => {
          if (err) {
            reject(new RegserveError(grpc.status[err.code] ?? String(err.code),
              err.details ?? err.message));
          } else {
            resolve(response);
          }
        });
    });
  }

  // Splits named features into numeric ones (numbers) and categorical ones
  // (string levels): [features, categorical_features].
  static split(named) {
    const numeric = {};
    const categorical = {};
    for (const [name, value] of Object.entries(named)) {
      if (typeof value === 'string') categorical[name] = value;
      else numeric[name] = value;
    }
    return [numeric, categorical];
  }

  // Predicts one row given every feature by name: a number for a numeric
  // feature, a string level for a categorical one. Resolves to
  // { prediction, model, version, interval, contributions, baseline };
  // interval is set when intervalLevel > 0, contributions and baseline when
  // explain is true.
  async predict(features, { intervalLevel = 0, explain = false, model = '',
    version = 0 } = {}) {
    const [numeric, categorical] = RegserveClient.split(features);
    const r = await this.call('Predict', {
      model_spec: { name: model, version },
      features: numeric,
      categorical_features: categorical,
      interval_level: intervalLevel,
      explain,
    });
    return {
      prediction: r.prediction,
      model: r.model_spec.name,
      version: r.model_spec.version,
      interval: intervalLevel > 0 ? r.interval : null,
      contributions: r.contributions,
      baseline: explain ? r.baseline : null,
    };
  }

  async batch(request) {
    const r = await this.call('BatchPredict', request);
    return {
      predictions: r.predictions,
      model: r.model_spec.name,
      version: r.model_spec.version,
      intervals: r.intervals,
    };
  }

  // Predicts rows given as objects of named features (string values are
  // levels of categorical features).
  batchPredictRows(rows, { intervalLevel = 0, model = '', version = 0 } = {}) {
    return this.batch({
      model_spec: { name: model, version },
      rows: rows.map((named) => {
        const [features, categorical] = RegserveClient.split(named);
        return { features, categorical_features: categorical };
      }),
      interval_level: intervalLevel,
    });
  }

  // Predicts a dense table (the fast path): columns names each value of every
  // row (an array of arrays), in any order; a model with categorical
  // features takes their levels as categoricalRows (one array per row) under
  // categoricalColumns.
  batchPredictTable(columns, rows, { intervalLevel = 0, model = '',
    version = 0, categoricalColumns = [], categoricalRows = [] } = {}) {
    const check = (table, width, what) => table.forEach((row, i) => {
      if (row.length !== width) {
        throw new RangeError(
          `${what} ${i} has ${row.length} values for ${width} columns`);
      }
    });
    check(rows, columns.length, 'row');
    check(categoricalRows, categoricalColumns.length, 'categorical row');
    return this.batch({
      model_spec: { name: model, version },
      table: {
        columns,
        values: rows.flat(),
        categorical_columns: categoricalColumns,
        categorical_values: categoricalRows.flat(),
      },
      interval_level: intervalLevel,
    });
  }

  // Describes a loaded model (the GetModelMetadataResponse as an object).
  async metadata({ model = '', version = 0 } = {}) {
    const r = await this.call('GetModelMetadata',
      { model_spec: { name: model, version } });
    return { ...r, model: r.model_spec.name, version: r.model_spec.version };
  }

  // Every model: [{ name, versions: [{ version, state, reason }],
  // version_labels, is_default }], state without the VERSION_STATE_ prefix.
  async listModels() {
    const r = await this.call('ListModels', {});
    return r.models.map((m) => ({
      ...m,
      versions: m.versions.map((v) => ({
        ...v, state: v.state.replace(/^VERSION_STATE_/, ''),
      })),
    }));
  }
}

module.exports = { RegserveClient, RegserveError, grpc, regservev1 };

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
    // "model/version" -> Set of the names of its categorical features.
    this.kinds = new Map();
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

  // Names of the categorical features of a model (a Set), from its
  // metadata, asked once per model and version this client calls. A model
  // that cannot be described reads as numeric only: the call itself then
  // says what is wrong.
  async categorical(model, version) {
    const key = `${model}/${version}`;
    if (!this.kinds.has(key)) {
      try {
        const m = await this.metadata({ model, version });
        this.kinds.set(key, new Set(m.inputs
          .filter((i) => i.kind === 'FEATURE_KIND_CATEGORICAL')
          .map((i) => i.name)));
      } catch (e) {
        if (!(e instanceof RegserveError)) throw e;
        return new Set();
      }
    }
    return this.kinds.get(key);
  }

  // Splits named features by the model's kinds (`categorical`, a Set):
  // [features (numbers; numeric strings too), categorical_features (levels,
  // a number written as the trainer names numeric levels)].
  static split(named, categorical) {
    const numeric = {};
    const levels = {};
    for (const [name, value] of Object.entries(named)) {
      if (categorical.has(name)) levels[name] = String(value);
      else numeric[name] = Number(value);
    }
    return [numeric, levels];
  }

  // Predicts one row given every feature by name: a number for a numeric
  // feature, a string level for a categorical one. Resolves to
  // { prediction, model, version, interval, contributions, baseline };
  // interval is set when intervalLevel > 0, contributions and baseline when
  // explain is true.
  async predict(features, { intervalLevel = 0, explain = false, model = '',
    version = 0 } = {}) {
    const [numeric, categorical] = RegserveClient.split(features,
      await this.categorical(model, version));
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
  async batchPredictRows(rows, { intervalLevel = 0, model = '',
    version = 0 } = {}) {
    const kinds = await this.categorical(model, version);
    return this.batch({
      model_spec: { name: model, version },
      rows: rows.map((named) => {
        const [features, categorical] = RegserveClient.split(named, kinds);
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
        categorical_values: categoricalRows.flat().map(String),
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

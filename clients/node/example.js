#!/usr/bin/env node
'use strict';
// Calls every regserve RPC once and shows how errors come back.
// Usage: (cd clients/node && npm ci) && node clients/node/example.js --target localhost:50051
//   [--tls_ca ca.pem [--tls_cert client.pem --tls_key client.key]
//    [--tls_server_name NAME]]
// Exits 0 when every call behaved as shown (the two error calls must fail
// with INVALID_ARGUMENT and NOT_FOUND), else 1.

const { parseArgs } = require('util');
const { RegserveClient, RegserveError } = require('./client');

// Row 1 and row 2 of data/boston_housing.csv (without MEDV).
const COLUMNS = ['CRIM', 'ZN', 'INDUS', 'CHAS', 'NOX', 'RM', 'AGE', 'DIS',
  'RAD', 'TAX', 'PTRATIO', 'B', 'LSTAT'];
const ROW1 = [0.00632, 18, 2.31, 0, 0.538, 6.575, 65.2, 4.09, 1, 296, 15.3,
  396.9, 4.98];
const ROW2 = [0.02731, 0, 7.07, 0, 0.469, 6.421, 78.9, 4.9671, 2, 242, 17.8,
  396.9, 9.14];

const named = (row) => Object.fromEntries(COLUMNS.map((c, i) => [c, row[i]]));
const fmt = (values) => values.map((v) => v.toFixed(8)).join(' ');
const signed = (v) => (v >= 0 ? '+' : '') + v.toFixed(8);

// Runs call, which must fail with wantCode; prints the error.
async function expectError(what, wantCode, call) {
  try {
    await call();
  } catch (e) {
    if (!(e instanceof RegserveError)) throw e;
    console.log(`${e.code} (${what}): ${e.details}`);
    return e.code === wantCode;
  }
  console.log(`${what}: unexpected success, wanted ${wantCode}`);
  return false;
}

async function main() {
  const { values: args } = parseArgs({
    options: {
      target: { type: 'string', default: 'localhost:50051' },
      tls_ca: { type: 'string', default: '' }, // set = TLS, empty = plaintext
      tls_cert: { type: 'string', default: '' }, // mutual TLS, with tls_key
      tls_key: { type: 'string', default: '' },
      tls_server_name: { type: 'string', default: '' },
    },
  });
  let client;
  try {
    client = new RegserveClient(args.target, {
      timeoutMs: 5000,
      caFile: args.tls_ca,
      certFile: args.tls_cert,
      keyFile: args.tls_key,
      serverName: args.tls_server_name,
    });
  } catch (e) {
    console.error(`usage error: ${e.message}`);
    return 2;
  }
  const row1 = named(ROW1);
  let ok = true;
  try {
    let p = await client.predict(row1);
    console.log(`Predict: ${p.prediction.toFixed(8)} (${p.model} version ${p.version})`);

    p = await client.predict(row1, { intervalLevel: 0.95, explain: true });
    console.log(`Predict interval 0.95: [${p.interval.lower.toFixed(8)}, ` +
      `${p.interval.upper.toFixed(8)}]`);
    const total = Object.values(p.contributions).reduce((a, b) => a + b,
      p.baseline);
    console.log(`Predict explain: baseline ${p.baseline.toFixed(8)}, ` +
      `LSTAT ${signed(p.contributions.LSTAT)}, ` +
      `baseline + contributions ${total.toFixed(8)}`);

    let b = await client.batchPredictRows([row1, named(ROW2)]);
    console.log(`BatchPredict rows: ${fmt(b.predictions)}`);

    b = await client.batchPredictTable(COLUMNS, [ROW1, ROW2]);
    console.log(`BatchPredict table: ${fmt(b.predictions)}`);

    const m = await client.metadata();
    console.log(`GetModelMetadata: ${m.model} version ${m.version}, target ` +
      `${m.target_name}, ${m.model_type}, ${m.feature_names.length} ` +
      `features: ${m.feature_names.join(' ')}`);

    for (const s of await client.listModels()) {
      const versions = s.versions.map((v) => `${v.version} ${v.state}`)
        .join(', ');
      console.log(`ListModels: ${s.name} [${versions}]${s.is_default ? ' (default)' : ''}`);
    }

    // A model with a categorical feature: its level is a string (iris row
    // 101; R's lm(Sepal.Length ~ ., iris) fits 6.971777514).
    const iris = { 'Sepal.Width': 3.3, 'Petal.Length': 6.0,
      'Petal.Width': 2.5, Species: 'virginica' };
    p = await client.predict(iris, { model: 'iris' });
    console.log(`Predict categorical: ${p.prediction.toFixed(8)} ` +
      `(${p.model} version ${p.version})`);
    // Values as a CSV reader gives them, all strings: which are levels
    // comes from the model's metadata, not from the values' type.
    p = await client.predict(Object.fromEntries(Object.entries(iris)
      .map(([k, v]) => [k, String(v)])), { model: 'iris' });
    console.log(`Predict from strings: ${p.prediction.toFixed(8)}`);
    b = await client.batchPredictTable(
      ['Sepal.Width', 'Petal.Length', 'Petal.Width'],
      [[3.5, 1.4, 0.2], [3.3, 6.0, 2.5]],
      { model: 'iris', categoricalColumns: ['Species'],
        categoricalRows: [['setosa'], ['virginica']] });
    console.log(`BatchPredict categorical table: ${fmt(b.predictions)}`);

    // Errors reject with RegserveError carrying the gRPC status name.
    ok = await expectError('unknown level', 'INVALID_ARGUMENT',
      () => client.predict({ ...iris, Species: 'arctica' },
        { model: 'iris' })) && ok;
    ok = await expectError('missing features', 'INVALID_ARGUMENT',
      () => client.predict({ CRIM: 0.00632 })) && ok;
    ok = await expectError('unknown model', 'NOT_FOUND',
      () => client.predict(row1, { model: 'no_such_model' })) && ok;
  } finally {
    client.close();
  }
  return ok ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(`error: ${e.message}`);
  process.exitCode = 1;
});

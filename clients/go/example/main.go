// Command example calls every regserve RPC once and shows how errors come
// back. Usage: clients/go/build.sh && clients/go/regserve-go-example --target localhost:50051
// [--tls_ca ca.pem [--tls_cert client.pem --tls_key client.key] [--tls_server_name NAME]]
// Exits 0 when every call behaved as shown (the two error calls must fail
// with INVALID_ARGUMENT and NOT_FOUND), else 1.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	regservev1 "regserve/gen/regserve/v1"
)

// Row 1 and row 2 of data/boston_housing.csv (without MEDV).
var (
	columns = []string{"CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS",
		"RAD", "TAX", "PTRATIO", "B", "LSTAT"}
	row1 = []float64{0.00632, 18, 2.31, 0, 0.538, 6.575, 65.2, 4.09, 1, 296,
		15.3, 396.9, 4.98}
	row2 = []float64{0.02731, 0, 7.07, 0, 0.469, 6.421, 78.9, 4.9671, 2, 242,
		17.8, 396.9, 9.14}
)

// codeNames are the canonical status names ("NOT_FOUND"); codes.Code's
// String() gives Go's spelling ("NotFound").
var codeNames = [...]string{"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
	"DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
	"RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
	"UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"}

func codeName(c codes.Code) string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return c.String()
}

func named(row []float64) map[string]float64 {
	m := make(map[string]float64, len(columns))
	for i, c := range columns {
		m[c] = row[i]
	}
	return m
}

func format(values []float64) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = fmt.Sprintf("%.8f", v)
	}
	return strings.Join(s, " ")
}

// tlsFlags are regserve-cli's --tls_* flags, with the same rules: --tls_ca
// turns TLS on; --tls_cert and --tls_key (mutual TLS) go together;
// --tls_server_name needs --tls_ca.
type tlsFlags struct {
	ca, cert, key, serverName string
}

// dialOption is grpc.WithInsecure() without --tls_ca, else TLS credentials
// from the files.
func (f tlsFlags) dialOption() (grpc.DialOption, error) {
	if f.ca == "" {
		if f.cert != "" || f.key != "" || f.serverName != "" {
			return nil, fmt.Errorf("--tls_cert, --tls_key and --tls_server_name need --tls_ca")
		}
		return grpc.WithInsecure(), nil
	}
	if (f.cert == "") != (f.key == "") {
		return nil, fmt.Errorf("--tls_cert and --tls_key must be given together")
	}
	pem, err := os.ReadFile(f.ca)
	if err != nil {
		return nil, fmt.Errorf("--tls_ca: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--tls_ca %s: no PEM certificate", f.ca)
	}
	config := &tls.Config{RootCAs: roots, ServerName: f.serverName}
	if f.cert != "" {
		cert, err := tls.LoadX509KeyPair(f.cert, f.key)
		if err != nil {
			return nil, fmt.Errorf("--tls_cert/--tls_key: %w", err)
		}
		config.Certificates = []tls.Certificate{cert}
	}
	return grpc.WithTransportCredentials(credentials.NewTLS(config)), nil
}

func main() {
	target := flag.String("target", "localhost:50051", "regserve-server address, HOST:PORT")
	var t tlsFlags
	flag.StringVar(&t.ca, "tls_ca", "", "PEM CA bundle that signs the server's certificate; set = TLS, empty = plaintext")
	flag.StringVar(&t.cert, "tls_cert", "", "PEM client certificate (mutual TLS); needs --tls_key and --tls_ca")
	flag.StringVar(&t.key, "tls_key", "", "PEM private key of --tls_cert")
	flag.StringVar(&t.serverName, "tls_server_name", "", "name to verify the server's certificate against instead of the --target host")
	flag.Parse()
	transport, err := t.dialOption()
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage error:", err)
		os.Exit(2)
	}
	if err := run(*target, transport); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(target string, transport grpc.DialOption) error {
	conn, err := grpc.Dial(target, transport)
	if err != nil {
		return err
	}
	defer conn.Close()
	client := regservev1.NewPredictionServiceClient(conn)
	// Each call gets its own 5 s deadline.
	call := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.Background(), 5*time.Second)
	}

	ctx, cancel := call()
	p, err := client.Predict(ctx, &regservev1.PredictRequest{Features: named(row1)})
	cancel()
	if err != nil {
		return err
	}
	fmt.Printf("Predict: %.8f (%s version %d)\n", p.GetPrediction(),
		p.GetModelSpec().GetName(), p.GetModelSpec().GetVersion())

	ctx, cancel = call()
	p, err = client.Predict(ctx, &regservev1.PredictRequest{
		Features: named(row1), IntervalLevel: 0.95, Explain: true})
	cancel()
	if err != nil {
		return err
	}
	fmt.Printf("Predict interval 0.95: [%.8f, %.8f]\n",
		p.GetInterval().GetLower(), p.GetInterval().GetUpper())
	total := p.GetBaseline()
	for _, c := range p.GetContributions() {
		total += c
	}
	fmt.Printf("Predict explain: baseline %.8f, LSTAT %+.8f, baseline + contributions %.8f\n",
		p.GetBaseline(), p.GetContributions()["LSTAT"], total)

	ctx, cancel = call()
	b, err := client.BatchPredict(ctx, &regservev1.BatchPredictRequest{
		Rows: []*regservev1.Row{{Features: named(row1)}, {Features: named(row2)}}})
	cancel()
	if err != nil {
		return err
	}
	fmt.Printf("BatchPredict rows: %s\n", format(b.GetPredictions()))

	ctx, cancel = call()
	b, err = client.BatchPredict(ctx, &regservev1.BatchPredictRequest{
		Table: &regservev1.Table{Columns: columns, Values: append(append([]float64{}, row1...), row2...)}})
	cancel()
	if err != nil {
		return err
	}
	fmt.Printf("BatchPredict table: %s\n", format(b.GetPredictions()))

	ctx, cancel = call()
	m, err := client.GetModelMetadata(ctx, &regservev1.GetModelMetadataRequest{})
	cancel()
	if err != nil {
		return err
	}
	fmt.Printf("GetModelMetadata: %s version %d, target %s, %s, %d features: %s\n",
		m.GetModelSpec().GetName(), m.GetModelSpec().GetVersion(), m.GetTargetName(),
		m.GetModelType(), len(m.GetFeatureNames()), strings.Join(m.GetFeatureNames(), " "))

	ctx, cancel = call()
	l, err := client.ListModels(ctx, &regservev1.ListModelsRequest{})
	cancel()
	if err != nil {
		return err
	}
	for _, s := range l.GetModels() {
		versions := make([]string, 0, len(s.GetVersions()))
		for _, v := range s.GetVersions() {
			versions = append(versions, fmt.Sprintf("%d %s", v.GetVersion(),
				strings.TrimPrefix(v.GetState().String(), "VERSION_STATE_")))
		}
		def := ""
		if s.GetIsDefault() {
			def = " (default)"
		}
		fmt.Printf("ListModels: %s [%s]%s\n", s.GetName(), strings.Join(versions, ", "), def)
	}

	// A model with a categorical feature: its level goes in
	// CategoricalFeatures (iris row 101; R's lm(Sepal.Length ~ ., iris)
	// fits 6.971777514).
	iris := &regservev1.ModelSpec{Name: "iris"}
	irisNumeric := map[string]float64{"Sepal.Width": 3.3, "Petal.Length": 6.0, "Petal.Width": 2.5}
	ctx, cancel = call()
	p, err = client.Predict(ctx, &regservev1.PredictRequest{ModelSpec: iris,
		Features: irisNumeric, CategoricalFeatures: map[string]string{"Species": "virginica"}})
	cancel()
	if err != nil {
		return err
	}
	fmt.Printf("Predict categorical: %.8f (%s version %d)\n", p.GetPrediction(),
		p.GetModelSpec().GetName(), p.GetModelSpec().GetVersion())

	ctx, cancel = call()
	b, err = client.BatchPredict(ctx, &regservev1.BatchPredictRequest{ModelSpec: iris,
		Table: &regservev1.Table{
			Columns:            []string{"Sepal.Width", "Petal.Length", "Petal.Width"},
			Values:             []float64{3.5, 1.4, 0.2, 3.3, 6.0, 2.5},
			CategoricalColumns: []string{"Species"},
			CategoricalValues:  []string{"setosa", "virginica"}}})
	cancel()
	if err != nil {
		return err
	}
	fmt.Printf("BatchPredict categorical table: %s\n", format(b.GetPredictions()))

	// Errors come back as a *status.Status: its Code() and Message().
	expectError := func(what string, want codes.Code, req *regservev1.PredictRequest) bool {
		ctx, cancel := call()
		defer cancel()
		_, err := client.Predict(ctx, req)
		if err == nil {
			fmt.Printf("%s: unexpected success, wanted %s\n", what, codeName(want))
			return false
		}
		st := status.Convert(err)
		fmt.Printf("%s (%s): %s\n", codeName(st.Code()), what, st.Message())
		return st.Code() == want
	}
	ok := expectError("unknown level", codes.InvalidArgument, &regservev1.PredictRequest{
		ModelSpec: iris, Features: irisNumeric,
		CategoricalFeatures: map[string]string{"Species": "arctica"}})
	ok = expectError("missing features", codes.InvalidArgument,
		&regservev1.PredictRequest{Features: map[string]float64{"CRIM": 0.00632}}) && ok
	ok = expectError("unknown model", codes.NotFound, &regservev1.PredictRequest{
		ModelSpec: &regservev1.ModelSpec{Name: "no_such_model"}, Features: named(row1)}) && ok
	if !ok {
		return fmt.Errorf("an error call did not fail as expected")
	}
	return nil
}

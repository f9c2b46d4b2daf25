package names

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coder-eks/coder-eks/generator/internal/config"
)

func TestARNsUsePartition(t *testing.T) {
	c := &config.Environment{Partition: "aws-us-gov", AccountID: "111122223333", AWSRegion: "us-gov-west-1",
		ProjectName: "coder", Environment: "prod", TerraformStateRegion: "us-gov-east-1"}
	n := For(c)
	tests := []struct{ name, got, want string }{
		{"role", RoleARN(c, "r"), "arn:aws-us-gov:iam::111122223333:role/r"},
		{"kms alias", KMSAliasARN(c, "alias/k"), "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/k"},
		{"aurora", AuroraClusterARN(c, n), "arn:aws-us-gov:rds:us-gov-west-1:111122223333:cluster:coder-prod"},
		// The state's key lives in the state bucket's region.
		{"state kms alias", StateKMSAliasARN(c, n), "arn:aws-us-gov:kms:us-gov-east-1:111122223333:" + n.KMS.State},
		{"global service", ARN("aws", "s3", "", "", "bucket"), "arn:aws:s3:::bucket"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s ARN = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

// flatten lists every name of n by its field path (IAM.Coderd), the
// list-valued ones joined with ",".
func flatten(prefix string, v reflect.Value, out map[string]string) {
	for i := range v.NumField() {
		name := prefix + v.Type().Field(i).Name
		switch f := v.Field(i); f.Kind() {
		case reflect.Struct:
			flatten(name+".", f, out)
		case reflect.Slice:
			out[name] = strings.Join(f.Interface().([]string), ",")
		default:
			out[name] = f.String()
		}
	}
}

// TestFor pins every name of a primary region and of a secondary region's
// view. Each is set once, by its group: a secondary region's choices (the
// proxy's role, target group and token secret; the state key alias that
// stays the primary's) are made where the name is built, not patched over
// a first value afterwards. A new name must be added here.
func TestFor(t *testing.T) {
	c := config.Environment{ProjectName: "coder", Environment: "prod", AccountID: "111122223333",
		AWSRegion: "us-east-1", CoderSubdomain: "coder", BaseDomain: "example.com",
		SecondaryRegions: []config.SecondaryRegion{{Region: "eu-west-1"}}}
	primary := map[string]string{
		"Cluster":            "coder-prod",
		"NodeGroups.Control": "coder-prod-control", "NodeGroups.Prov": "coder-prod-prov", "NodeGroups.WS": "coder-prod-ws",
		"Logs.Coderd": "/coder/prod/coderd", "Logs.Provisioner": "/coder/prod/provisioner", "Logs.Workspace": "/coder/prod/workspaces",
		"Logs.Flow": "/coder/prod/vpc-flow-logs", "Logs.Cluster": "/aws/eks/coder-prod/cluster",
		"Logs.Aurora":            "/aws/rds/cluster/coder-prod/postgresql",
		"Logs.ContainerInsights": "/aws/containerinsights/coder-prod/application,/aws/containerinsights/coder-prod/dataplane,/aws/containerinsights/coder-prod/host,/aws/containerinsights/coder-prod/performance",
		"Secrets.DB":             "coder/prod/db-password", "Secrets.ProvisionerKey": "coder/prod/provisioner-key",
		"Secrets.SessionToken": "coder/prod/coderd-session-token", "Secrets.FluxGit": "coder/prod/flux-git-credentials",
		"Secrets.License": "coder/prod/license", "Secrets.WorkspacePrefix": "coder/prod/workspaces/", "Secrets.ProxyToken": "",
		"IAM.Coderd": "coder-prod-coderd", "IAM.Provisioner": "coder-prod-provisioner", "IAM.EBSCSI": "coder-prod-ebs-csi",
		"IAM.LBController": "coder-prod-aws-load-balancer-controller", "IAM.FluentBit": "coder-prod-fluent-bit",
		"IAM.Autoscaler": "coder-prod-cluster-autoscaler", "IAM.CloudWatchAgent": "coder-prod-cloudwatch-agent",
		"IAM.Prometheus": "coder-prod-prometheus", "IAM.ExternalSecrets": "coder-prod-external-secrets",
		"IAM.TofuRunner": "coder-prod-tf-runner", "IAM.DBRoleJob": "coder-prod-db-role",
		"IAM.WorkspaceInstance": "coder-prod-ec2-workspace", "IAM.Workspace": "coder-prod-workspace",
		"Network.VPC": "coder-prod", "Network.NLB": "coder-prod", "Network.CoderdTargetGroup": "coder-prod-coderd",
		"Network.STUNTargetGroup": "coder-prod-stun", "Network.WorkspaceSecurityGroup": "coder-prod-ec2-workspaces",
		"Access.URL": "https://coder.example.com", "Access.WildcardURL": "*.coder.example.com", "Access.Host": "coder.example.com",
		"KMS.EBS": "alias/coder-prod-ebs", "KMS.State": "alias/coder-prod-terraform-state",
		"Buckets.CloudTrail": "coder-prod-cloudtrail-logs-111122223333", "Buckets.NLBLogs": "coder-prod-nlb-access-logs-111122223333",
		"Database.Cluster": "coder-prod", "Database.BackupVault": "coder-prod", "Database.BackupPlan": "coder-prod-aurora",
		"Monitoring.CloudTrail": "coder-prod", "Monitoring.Dashboard": "coder-prod", "Monitoring.MetricsSpace": "Coder/coder-prod",
	}
	// The secondary region: every name built from the cluster carries the
	// region's code; secrets and the environment's log groups keep the
	// environment's names; the state key alias stays the primary's.
	secondary := map[string]string{}
	for k, v := range primary {
		secondary[k] = strings.ReplaceAll(v, "coder-prod", "coder-prod-euw1")
	}
	for _, k := range []string{"Logs.Coderd", "Logs.Provisioner", "Logs.Workspace", "Logs.Flow",
		"Secrets.DB", "Secrets.ProvisionerKey", "Secrets.SessionToken", "Secrets.FluxGit", "Secrets.License", "Secrets.WorkspacePrefix", "KMS.State"} {
		secondary[k] = primary[k]
	}
	secondary["IAM.Coderd"] = "coder-prod-euw1-workspace-proxy"
	secondary["Network.CoderdTargetGroup"] = "coder-prod-euw1-proxy"
	secondary["Secrets.ProxyToken"] = "coder/prod/workspace-proxy/eu-west-1"
	secondary["Access.URL"] = "https://eu-west-1.coder.example.com"
	secondary["Access.WildcardURL"] = "*.eu-west-1.coder.example.com"
	secondary["Access.Host"] = "eu-west-1.coder.example.com"

	view := c.Secondary(0)
	for _, tc := range []struct {
		name string
		env  *config.Environment
		want map[string]string
	}{{"primary", &c, primary}, {"secondary", &view, secondary}} {
		got := map[string]string{}
		flatten("", reflect.ValueOf(For(tc.env)), got)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: For (-want +got):\n%s", tc.name, diff)
		}
	}
	// IAM roles and buckets are account-wide (global): a secondary
	// region's must all differ from the primary's.
	p, s := For(&c), For(&view)
	for _, g := range []struct{ a, b any }{{p.IAM, s.IAM}, {p.Buckets, s.Buckets}} {
		av, bv := reflect.ValueOf(g.a), reflect.ValueOf(g.b)
		for i := range av.NumField() {
			if av.Field(i).String() == bv.Field(i).String() {
				t.Errorf("%s.%s is %q in both regions: it is global", av.Type().Name(), av.Type().Field(i).Name, av.Field(i).String())
			}
		}
	}
}

// TestIAMRolesListsEveryField: Roles returns each field of IAM once, so
// every role is in the checks that loop over it; the group holds only
// role names (strings), which Roles relies on.
func TestIAMRolesListsEveryField(t *testing.T) {
	typ := reflect.TypeFor[IAM]()
	var i IAM
	v := reflect.ValueOf(&i).Elem()
	var want []string
	for f := range typ.NumField() {
		if typ.Field(f).Type.Kind() != reflect.String {
			t.Fatalf("IAM.%s is a %s: the group holds role names only", typ.Field(f).Name, typ.Field(f).Type)
		}
		v.Field(f).SetString("role-" + typ.Field(f).Name)
		want = append(want, "role-"+typ.Field(f).Name)
	}
	if d := cmp.Diff(want, i.Roles()); d != "" {
		t.Errorf("Roles (-want +got):\n%s", d)
	}
}

// TestARNsAreBuiltByARN: no code under generator/internal spells an ARN
// by hand; each goes through ARN (or a helper built on it), so partition,
// region and account are always in their places. A string literal starting
// "arn:" outside this package fails here.
func TestARNsAreBuiltByARN(t *testing.T) {
	var found []string
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if filepath.Dir(path) == filepath.Join("..", "..", "plan", "names") {
			return nil // this package: the builder itself
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && strings.HasPrefix(s, "arn:") {
					found = append(found, filepath.ToSlash(path)+": "+lit.Value)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) > 0 {
		t.Errorf("ARNs spelled by hand (use names.ARN):\n%s", strings.Join(found, "\n"))
	}
}

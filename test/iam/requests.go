package iam

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Case is one simulated request and the decision it must get.
type Case struct {
	Where     string // env/module
	Principal string
	Request   Request
	Resolved  string // the concrete resource
	Want      string // Allowed or Denied
	Sim       Simulation
	Skipped   string // why the request does not apply here
}

// Name is how the report names the case.
func (c Case) Name() string {
	return fmt.Sprintf("%s %s: %s %s", c.Where, c.Principal, c.Request.Action, c.Resolved)
}

// PrincipalModules are the modules that hold IAM principals.
func (e *Env) PrincipalModules() []*Module {
	var out []*Module
	for _, n := range Names(e.Modules) {
		if n == "infra" || strings.HasPrefix(n, "infra-") {
			out = append(out, e.Modules[n])
		}
	}
	return out
}

// RoleARN is the ARN of aws_iam_role.<key> of a module.
func (m *Module) RoleARN(e *Env, key string) (string, error) {
	return m.Resolve(e, "${aws_iam_role."+key+".arn}")
}

// has is whether a module declares a Terraform address.
func (m *Module) has(addr string) bool {
	if rest, ok := strings.CutPrefix(addr, "data."); ok {
		typ, name, _ := strings.Cut(rest, ".")
		_, ok := m.Data[typ][name]
		return ok
	}
	typ, name, _ := strings.Cut(addr, ".")
	_, ok := m.Resource[typ][name]
	return ok
}

// Cases builds the simulations of a principal's requests in one module.
func Cases(e *Env, m *Module, p Principal, extraAllow []Request) ([]Case, error) {
	var identity []NamedPolicy
	var principal string
	switch {
	case p.Role != "":
		inline, _, err := m.RolePolicies(e, p.Role)
		if err != nil {
			return nil, err
		}
		identity = inline
		if principal, err = m.RoleARN(e, p.Role); err != nil {
			return nil, err
		}
	case p.Service != "":
		svc := p.Service
		if !strings.Contains(svc, ".") {
			svc = "${data.aws_service_principal." + svc + ".name}"
		}
		var err error
		if principal, err = m.Resolve(e, svc); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("catalogue principal %s has neither role nor service", p.Name)
	}
	var cases []Case
	add := func(r Request, want string) error {
		expanded, err := forEach(m, r)
		if err != nil {
			return err
		}
		for _, r := range expanded {
			c := Case{Where: e.Name + "/" + m.Name, Principal: p.Name, Request: r, Want: want, Resolved: r.Resource}
			rm := m
			if r.ResourceModule != "" {
				if rm = e.Modules[r.ResourceModule]; rm == nil {
					return fmt.Errorf("%s: %s: resource_module %q not rendered", c.Where, p.Name, r.ResourceModule)
				}
			}
			for _, addr := range r.Requires {
				if !rm.has(addr) {
					c.Skipped = addr + " not in " + rm.Name
				}
			}
			if c.Skipped != "" {
				cases = append(cases, c)
				continue
			}
			if err := c.build(e, m, rm, principal, identity); err != nil {
				return fmt.Errorf("%s: %s: %s %s: %w", c.Where, p.Name, r.Action, r.Resource, err)
			}
			cases = append(cases, c)
		}
		return nil
	}
	for _, r := range append(append([]Request{}, p.Allow...), extraAllow...) {
		if err := add(r, "Allowed"); err != nil {
			return nil, err
		}
	}
	for _, r := range p.Deny {
		if err := add(r, "Denied"); err != nil {
			return nil, err
		}
	}
	return cases, nil
}

var eachRE = regexp.MustCompile(`\$\{each\.`)

// forEach expands a request made once per resource of a type.
func forEach(m *Module, r Request) ([]Request, error) {
	if r.ForEach == "" {
		return []Request{r}, nil
	}
	names := Names(m.Resource[r.ForEach])
	if len(names) == 0 {
		return nil, fmt.Errorf("for_each %s: the module has none", r.ForEach)
	}
	var out []Request
	for _, n := range names {
		c := r
		c.Resource = eachRE.ReplaceAllString(r.Resource, "${"+r.ForEach+"."+n+".")
		out = append(out, c)
	}
	return out, nil
}

var (
	kmsKeyRef = regexp.MustCompile(`^\$\{aws_kms_key\.([a-z0-9_]+)\.arn\}$`)
	bucketRef = regexp.MustCompile(`^\$\{aws_s3_bucket\.([a-z0-9_]+)\.arn\}`)
)

// build resolves the request in the resource's module and attaches the
// resource's policy: a KMS key's key policy, a bucket's bucket policy.
func (c *Case) build(e *Env, pm, rm *Module, principal string, identity []NamedPolicy) error {
	res, err := rm.Resolve(e, c.Request.Resource)
	if err != nil {
		return err
	}
	c.Resolved = res
	ctx := map[string]any{}
	for k, v := range c.Request.Context {
		switch v := v.(type) {
		case string:
			if ctx[k], err = rm.Resolve(e, v); err != nil {
				return err
			}
		case []any:
			var l []string
			for _, x := range v {
				s, err := rm.Resolve(e, fmt.Sprint(x))
				if err != nil {
					return err
				}
				l = append(l, s)
			}
			ctx[k] = l
		}
	}
	var policy Policy
	if k := kmsKeyRef.FindStringSubmatch(c.Request.Resource); k != nil {
		key := rm.Resource["aws_kms_key"][k[1]]
		if key["policy"] == nil {
			return fmt.Errorf("aws_kms_key.%s has no key policy", k[1])
		}
		if policy, err = rm.PolicyOf(e, key["policy"]); err != nil {
			return err
		}
	}
	if b := bucketRef.FindStringSubmatch(c.Request.Resource); b != nil {
		for _, n := range Names(rm.Resource["aws_s3_bucket_policy"]) {
			bp := rm.Resource["aws_s3_bucket_policy"][n]
			if str(bp, "bucket") == "${aws_s3_bucket."+b[1]+".id}" {
				if policy, err = rm.PolicyOf(e, bp["policy"]); err != nil {
					return err
				}
			}
		}
	}
	s := Simulation{IdentityPolicies: identity, ServiceControlPolicies: []any{}, ResourceControlPolicies: []any{}, ResourcePolicy: policy}
	if s.IdentityPolicies == nil {
		s.IdentityPolicies = []NamedPolicy{}
	}
	s.Request.Principal = principal
	s.Request.Action = c.Request.Action
	s.Request.Resource.Resource = res
	s.Request.Resource.AccountID = e.Account
	s.Request.ContextVariables = ctx
	c.Sim = s
	return nil
}

// Check compares a decision with the case's expectation and returns the
// problem, if any.
func (c Case) Check(d Decision) string {
	got := d.Decision
	ok := got == c.Want || (c.Want == "Denied" && (got == "ImplicitlyDenied" || got == "ExplicitlyDenied"))
	if ok && len(d.IgnoredContextKeys) > 0 && c.Want == "Allowed" {
		return fmt.Sprintf("allowed, but the context keys %v do not apply to %s (catalogue error)", d.IgnoredContextKeys, c.Request.Action)
	}
	if ok {
		return ""
	}
	ctx, _ := json.Marshal(c.Sim.Request.ContextVariables)
	return fmt.Sprintf("want %s, got %s by %s\n\t\tcontext %s\n\t\tsource: %s", c.Want, got, d.Statements(), ctx, c.Request.Source)
}

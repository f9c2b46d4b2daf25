package helm

import (
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/capacity"
)

// requestLogEnv makes coderd log every API request as JSON, which the
// CloudWatch metric filters behind the latency and 5xx alarms read
// (schema coderd_request_log, with its source in coder).
func requestLogEnv(l config.CoderdRequestLog) []corev1.EnvVar {
	keys := make([]string, 0, len(l.Env))
	for k := range l.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var env []corev1.EnvVar
	for _, k := range keys {
		env = append(env, value(k, l.Env[k]))
	}
	return env
}

// quietHoursEnv gives every user the quiet hours the templates' autostop
// requirement stops workspaces in, derived from the workspace schedule
// (capacity.Autostop), and keeps users from moving them past the
// evening scale-in.
func quietHoursEnv(a *capacity.Autostop) []corev1.EnvVar {
	if a == nil {
		return nil
	}
	return []corev1.EnvVar{
		value("CODER_QUIET_HOURS_DEFAULT_SCHEDULE", a.QuietHours),
		value("CODER_ALLOW_CUSTOM_QUIET_HOURS", "false"),
	}
}

// appendEnv adds variables to a coder chart release's coder.env.
func appendEnv(rel Release, env ...corev1.EnvVar) Release {
	v := rel.Values["coder"].(map[string]any)
	v["env"] = append(v["env"].([]corev1.EnvVar), env...)
	return rel
}

package flux_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// decoder makes an empty typed object for an apiVersion/kind and, for
// custom resources whose Go types are not dependencies, checks the values
// their CRDs restrict.
type decoder struct {
	new   func() any
	check func(any) error
}

func typed[T any]() decoder { return decoder{new: func() any { return new(T) }} }

// decoders lists every kind the tree may hold. A kind missing here fails
// the test, so a new kind of object gets a strict decoding when it is
// added.
var decoders = map[string]decoder{
	"v1/Namespace":                                 typed[corev1.Namespace](),
	"v1/Service":                                   typed[corev1.Service](),
	"v1/ConfigMap":                                 typed[corev1.ConfigMap](),
	"v1/ServiceAccount":                            typed[corev1.ServiceAccount](),
	"batch/v1/Job":                                 typed[batchv1.Job](),
	"storage.k8s.io/v1/StorageClass":               typed[storagev1.StorageClass](),
	"policy/v1/PodDisruptionBudget":                typed[policyv1.PodDisruptionBudget](),
	"apps/v1/Deployment":                           typed[appsv1.Deployment](),
	"networking.k8s.io/v1/NetworkPolicy":           typed[networkingv1.NetworkPolicy](),
	"rbac.authorization.k8s.io/v1/Role":            typed[rbacv1.Role](),
	"rbac.authorization.k8s.io/v1/RoleBinding":     typed[rbacv1.RoleBinding](),
	"source.toolkit.fluxcd.io/v1/GitRepository":    typed[sourcev1.GitRepository](),
	"source.toolkit.fluxcd.io/v1/HelmRepository":   typed[sourcev1.HelmRepository](),
	"source.toolkit.fluxcd.io/v1/OCIRepository":    typed[sourcev1.OCIRepository](),
	"helm.toolkit.fluxcd.io/v2/HelmRelease":        typed[helmv2.HelmRelease](),
	"kustomize.toolkit.fluxcd.io/v1/Kustomization": typed[kustomizev1.Kustomization](),
	"external-secrets.io/v1/ClusterSecretStore":    {new: func() any { return new(clusterSecretStore) }, check: checkSecretStore},
	"external-secrets.io/v1/ExternalSecret":        {new: func() any { return new(externalSecret) }, check: checkExternalSecret},
	"elbv2.k8s.aws/v1beta1/TargetGroupBinding":     {new: func() any { return new(targetGroupBinding) }, check: checkTargetGroupBinding},
	"infra.contrib.fluxcd.io/v1alpha2/Terraform":   {new: func() any { return new(terraform) }, check: checkTerraform},
}

// checkDecode decodes every object strictly: an unknown or misspelt field
// fails, as does a value of the wrong type.
func checkDecode(t *testing.T, tr tree) {
	for _, o := range tr.Objects {
		d, ok := decoders[o.apiVersion()+"/"+o.kind()]
		if !ok {
			t.Errorf("%s: no decoder for %s/%s", o, o.apiVersion(), o.kind())
			continue
		}
		data, err := o.Res.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		obj := d.new()
		if err := yaml.UnmarshalStrict(data, obj); err != nil {
			t.Errorf("%s: %v", o, err)
			continue
		}
		if d.check != nil {
			if err := d.check(obj); err != nil {
				t.Errorf("%s: %v", o, err)
			}
		}
	}
}

// The custom resources below are the fields the tree uses, named as in
// the CRDs (external-secrets.io/v1, elbv2.k8s.aws/v1beta1,
// infra.contrib.fluxcd.io/v1alpha2); strict decoding rejects any other.

type clusterSecretStore struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Provider struct {
			AWS *struct {
				Service string `json:"service"`
				Region  string `json:"region"`
			} `json:"aws"`
		} `json:"provider"`
		Conditions []struct {
			Namespaces []string `json:"namespaces"`
		} `json:"conditions"`
	} `json:"spec"`
}

func checkSecretStore(v any) error {
	s := v.(*clusterSecretStore)
	if s.Spec.Provider.AWS == nil || s.Spec.Provider.AWS.Service != "SecretsManager" || s.Spec.Provider.AWS.Region == "" {
		return fmt.Errorf("want an AWS Secrets Manager provider with a region")
	}
	return nil
}

type externalSecret struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		RefreshInterval string `json:"refreshInterval"`
		SecretStoreRef  struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"secretStoreRef"`
		Target struct {
			Name           string `json:"name"`
			CreationPolicy string `json:"creationPolicy"`
			Template       *struct {
				EngineVersion string `json:"engineVersion"`
				Metadata      struct {
					Labels map[string]string `json:"labels"`
				} `json:"metadata"`
				Data map[string]string `json:"data"`
			} `json:"template"`
		} `json:"target"`
		Data []struct {
			SecretKey string `json:"secretKey"`
			RemoteRef struct {
				Key string `json:"key"`
			} `json:"remoteRef"`
		} `json:"data"`
		DataFrom []struct {
			Extract *struct {
				Key string `json:"key"`
			} `json:"extract"`
			Find *struct {
				Tags map[string]string `json:"tags"`
			} `json:"find"`
			Rewrite []struct {
				Regexp struct {
					Source string `json:"source"`
					Target string `json:"target"`
				} `json:"regexp"`
			} `json:"rewrite"`
		} `json:"dataFrom"`
	} `json:"spec"`
}

// secretName is the Secret the ExternalSecret writes.
func (e *externalSecret) secretName() string {
	if e.Spec.Target.Name != "" {
		return e.Spec.Target.Name
	}
	return e.Name
}

// keys are the Secret's keys, nil when they come from a secret's JSON
// fields and cannot be known here.
func (e *externalSecret) keys() []string {
	var keys []string
	if t := e.Spec.Target.Template; t != nil {
		for k := range t.Data {
			keys = append(keys, k)
		}
		return keys
	}
	if len(e.Spec.DataFrom) > 0 {
		return nil
	}
	for _, d := range e.Spec.Data {
		keys = append(keys, d.SecretKey)
	}
	return keys
}

func checkExternalSecret(v any) error {
	e := v.(*externalSecret)
	if _, err := time.ParseDuration(e.Spec.RefreshInterval); err != nil {
		return fmt.Errorf("refreshInterval: %v", err)
	}
	if !slices.Contains([]string{"SecretStore", "ClusterSecretStore"}, e.Spec.SecretStoreRef.Kind) {
		return fmt.Errorf("secretStoreRef.kind %q", e.Spec.SecretStoreRef.Kind)
	}
	if !slices.Contains([]string{"Owner", "Orphan", "Merge", "None"}, e.Spec.Target.CreationPolicy) {
		return fmt.Errorf("target.creationPolicy %q", e.Spec.Target.CreationPolicy)
	}
	if t := e.Spec.Target.Template; t != nil && t.EngineVersion != "v2" {
		return fmt.Errorf("template.engineVersion %q, want v2", t.EngineVersion)
	}
	if len(e.Spec.Data) == 0 && len(e.Spec.DataFrom) == 0 {
		return fmt.Errorf("neither data nor dataFrom")
	}
	for _, d := range e.Spec.Data {
		if d.SecretKey == "" || d.RemoteRef.Key == "" {
			return fmt.Errorf("data entry without secretKey or remoteRef.key")
		}
	}
	for _, d := range e.Spec.DataFrom {
		if (d.Extract == nil) == (d.Find == nil) {
			return fmt.Errorf("dataFrom entry needs exactly one of extract and find")
		}
	}
	return nil
}

type targetGroupBinding struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		TargetGroupName string `json:"targetGroupName"`
		TargetGroupARN  string `json:"targetGroupARN"`
		TargetType      string `json:"targetType"`
		ServiceRef      struct {
			Name string             `json:"name"`
			Port intstr.IntOrString `json:"port"`
		} `json:"serviceRef"`
	} `json:"spec"`
}

func checkTargetGroupBinding(v any) error {
	b := v.(*targetGroupBinding)
	if (b.Spec.TargetGroupName == "") == (b.Spec.TargetGroupARN == "") {
		return fmt.Errorf("want exactly one of targetGroupName and targetGroupARN")
	}
	if len(b.Spec.TargetGroupName) > 32 {
		return fmt.Errorf("targetGroupName %q is longer than ELB's 32 characters", b.Spec.TargetGroupName)
	}
	if b.Spec.TargetType != "ip" && b.Spec.TargetType != "instance" {
		return fmt.Errorf("targetType %q", b.Spec.TargetType)
	}
	return nil
}

type terraform struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Interval      metav1.Duration `json:"interval"`
		RetryInterval metav1.Duration `json:"retryInterval"`
		Path          string          `json:"path"`
		SourceRef     struct {
			Kind      string `json:"kind"`
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"sourceRef"`
		ApprovePlan   string `json:"approvePlan"`
		BackendConfig *struct {
			Disable bool `json:"disable"`
		} `json:"backendConfig"`
		ServiceAccountName string `json:"serviceAccountName"`
		StoreReadablePlan  string `json:"storeReadablePlan"`
		// Vars are tofu-controller's inline variables (name, JSON value).
		Vars []struct {
			Name  string `json:"name"`
			Value any    `json:"value"`
		} `json:"vars"`
		VarsFrom []struct {
			Kind     string   `json:"kind"`
			Name     string   `json:"name"`
			VarsKeys []string `json:"varsKeys"`
			Optional bool     `json:"optional"`
		} `json:"varsFrom"`
		RunnerPodTemplate struct {
			Spec struct {
				Env          []corev1.EnvVar     `json:"env"`
				NodeSelector map[string]string   `json:"nodeSelector"`
				Tolerations  []corev1.Toleration `json:"tolerations"`
			} `json:"spec"`
		} `json:"runnerPodTemplate"`
	} `json:"spec"`
}

func checkTerraform(v any) error {
	tf := v.(*terraform)
	s := tf.Spec
	switch {
	case s.Interval.Duration <= 0:
		return fmt.Errorf("interval is required")
	case !slices.Contains([]string{"GitRepository", "Bucket", "OCIRepository"}, s.SourceRef.Kind):
		return fmt.Errorf("sourceRef.kind %q", s.SourceRef.Kind)
	case s.ApprovePlan != "auto":
		return fmt.Errorf("approvePlan %q, want auto", s.ApprovePlan)
	case !slices.Contains([]string{"", "none", "json", "human"}, s.StoreReadablePlan):
		return fmt.Errorf("storeReadablePlan %q", s.StoreReadablePlan)
	case s.BackendConfig == nil || !s.BackendConfig.Disable:
		// The module's own S3 backend must win over tofu-controller's
		// generated Kubernetes backend.
		return fmt.Errorf("backendConfig.disable must be true")
	}
	return nil
}

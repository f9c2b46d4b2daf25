package k8s

import (
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// StorageClassName is the cluster's default class: gp3 through the EBS
// CSI driver, encrypted with the environment's EBS key.
const StorageClassName = "gp3"

// storageClass binds a volume only once its pod is scheduled, so the
// volume is created in the pod's AZ; volumes outlive nothing (Delete) and
// can grow.
func storageClass(c *config.Environment, n names.Names) any {
	reclaim := corev1.PersistentVolumeReclaimDelete
	binding := storagev1.VolumeBindingWaitForFirstConsumer
	expand := true
	sc := &storagev1.StorageClass{
		TypeMeta:    typeMeta("storage.k8s.io/v1", "StorageClass"),
		ObjectMeta:  meta(StorageClassName, ""),
		Provisioner: "ebs.csi.aws.com",
		Parameters: map[string]string{
			"type":                      "gp3",
			"encrypted":                 "true",
			"kmsKeyId":                  names.KMSAliasARN(c, n.KMS.EBS),
			"csi.storage.k8s.io/fstype": "ext4",
		},
		ReclaimPolicy:        &reclaim,
		VolumeBindingMode:    &binding,
		AllowVolumeExpansion: &expand,
	}
	sc.Annotations = map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}
	return sc
}

package k8s

import (
	_ "embed"
	"strconv"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/model/helm"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// The role Job creates the database role coderd logs in as
// (schema.database.app_user) and makes it the database's owner, so that
// coderd's migrations may create and alter its tables. It logs in as the
// master user with the RDS-managed password, which nothing else in the
// cluster can read: its own IRSA role finds the secret
// (rds:DescribeDBClusters → MasterUserSecret.SecretArn) and reads it. The
// SQL is idempotent, so the Job may run again whenever Flux recreates it.
//
// Two containers share an in-memory emptyDir: the AWS CLI image fetches the
// master secret, the cluster endpoint and the RDS CA bundle; the psql image
// connects with sslmode=verify-full and runs the SQL.

// DBRoleSQL is the SQL the Job runs, with psql variables app_user and db.
//
//go:embed dbrole.sql
var DBRoleSQL string

// dbRoleFetch runs in the AWS CLI image: the master secret's JSON, the
// writer endpoint and the CA bundle into /run/db.
const dbRoleFetch = `set -eu
aws rds describe-db-clusters --db-cluster-identifier "$DB_CLUSTER" --query 'DBClusters[0].Endpoint' --output text > /run/db/host
arn=$(aws rds describe-db-clusters --db-cluster-identifier "$DB_CLUSTER" --query 'DBClusters[0].MasterUserSecret.SecretArn' --output text)
aws secretsmanager get-secret-value --secret-id "$arn" --query SecretString --output text > /run/db/master.json
curl --fail --silent --show-error --retry 5 --proto =https -o /run/db/rds-ca.pem "$CA_BUNDLE_URL"
`

// dbRolePSQL runs in the psql image. RDS master passwords contain no
// double quote (CreateDBCluster MasterUserPassword constraints), so the
// JSON string ends at the next one; a backslash arrives escaped.
const dbRolePSQL = `set -eu
PGPASSWORD=$(sed -n 's/.*"password" *: *"\([^"]*\)".*/\1/p' /run/db/master.json | sed 's/\\\\/\\/g')
PGUSER=$(sed -n 's/.*"username" *: *"\([^"]*\)".*/\1/p' /run/db/master.json)
PGHOST=$(cat /run/db/host)
export PGPASSWORD PGUSER PGHOST
exec psql -v ON_ERROR_STOP=1 -v app_user="$APP_USER" -v db="$PGDATABASE" -f /sql/create-role.sql
`

const (
	dbRoleScratch = "run"
	dbRoleSQLVol  = "sql"
	dbRoleSQLKey  = "create-role.sql"
)

func dbRoleJob(c *config.Environment, n names.Names, db config.Database) []any {
	labels := map[string]string{"app.kubernetes.io/name": names.DBRoleJob}
	caURL, _ := helm.CABundleURL(db, c.Partition) // checked by model/helm, which fails first
	sa := &corev1.ServiceAccount{
		TypeMeta:   typeMeta("v1", "ServiceAccount"),
		ObjectMeta: meta(names.DBRoleJob, names.CoderNamespace),
	}
	sa.Annotations = map[string]string{helm.IRSAAnnotation: names.RoleARN(c, n.IAM.DBRoleJob)}
	cm := &corev1.ConfigMap{
		TypeMeta:   typeMeta("v1", "ConfigMap"),
		ObjectMeta: meta(names.DBRoleJob, names.CoderNamespace),
		Data:       map[string]string{dbRoleSQLKey: DBRoleSQL},
	}
	job := &batchv1.Job{
		TypeMeta:   typeMeta("batch/v1", "Job"),
		ObjectMeta: meta(names.DBRoleJob, names.CoderNamespace),
		Spec: batchv1.JobSpec{
			BackoffLimit: ptr(int32(6)),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       dbRolePod(c, n, db, caURL),
			},
		},
	}
	// A Job's pod template is immutable: Flux replaces the Job when it
	// changes instead of failing the apply.
	job.Annotations = map[string]string{"kustomize.toolkit.fluxcd.io/force": "enabled"}
	return []any{sa, cm, job, dbRolePolicy(c, labels)}
}

func dbRolePod(c *config.Environment, n names.Names, db config.Database, caURL string) corev1.PodSpec {
	scratch := corev1.VolumeMount{Name: dbRoleScratch, MountPath: "/run/db"}
	return corev1.PodSpec{
		ServiceAccountName: names.DBRoleJob,
		RestartPolicy:      corev1.RestartPolicyOnFailure,
		// On the nodes coderd runs on: Aurora's security group admits
		// theirs.
		NodeSelector:    map[string]string{names.NodeGroupLabel: helm.GroupControl},
		SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr(true), RunAsUser: ptr(int64(70)), FSGroup: ptr(int64(70))},
		InitContainers: []corev1.Container{{
			Name:    "fetch",
			Image:   db.RoleJobImages.AWSCLI,
			Command: []string{"/bin/sh", "-c", dbRoleFetch},
			Env: []corev1.EnvVar{
				{Name: "AWS_REGION", Value: c.AWSRegion},
				{Name: "DB_CLUSTER", Value: n.Database.Cluster},
				{Name: "CA_BUNDLE_URL", Value: caURL},
				// The CLI caches nothing outside the scratch volume.
				{Name: "HOME", Value: "/run/db"},
			},
			VolumeMounts:    []corev1.VolumeMount{scratch},
			SecurityContext: restricted(),
			Resources:       small(),
		}},
		Containers: []corev1.Container{{
			Name:    "create-role",
			Image:   db.RoleJobImages.PSQL,
			Command: []string{"/bin/sh", "-c", dbRolePSQL},
			Env: []corev1.EnvVar{
				{Name: "APP_USER", Value: db.AppUser},
				{Name: "PGDATABASE", Value: names.DBName},
				{Name: "PGPORT", Value: strconv.Itoa(postgresPort)},
				{Name: "PGSSLMODE", Value: "verify-full"},
				{Name: "PGSSLROOTCERT", Value: "/run/db/rds-ca.pem"},
				{Name: "PGCONNECT_TIMEOUT", Value: "10"},
			},
			VolumeMounts:    []corev1.VolumeMount{scratch, {Name: dbRoleSQLVol, MountPath: "/sql", ReadOnly: true}},
			SecurityContext: restricted(),
			Resources:       small(),
		}},
		Volumes: []corev1.Volume{
			// Memory-backed: the master password never touches a disk.
			{Name: dbRoleScratch, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory, SizeLimit: ptr(resource.MustParse("8Mi"))}}},
			{Name: dbRoleSQLVol, VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: names.DBRoleJob}}}},
		},
	}
}

func restricted() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptr(false),
		ReadOnlyRootFilesystem:   ptr(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
	}
}

func small() corev1.ResourceRequirements {
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")},
	}
}

// dbRolePolicy: the Job reaches AWS APIs and the truststore over HTTPS and
// Aurora in the VPC; nothing reaches it.
func dbRolePolicy(c *config.Environment, pods map[string]string) any {
	return policy(names.DBRoleJob, names.CoderNamespace, pods, []networkingv1.NetworkPolicyIngressRule{}, []networkingv1.NetworkPolicyEgressRule{
		{To: []networkingv1.NetworkPolicyPeer{internet()}, Ports: ports(corev1.ProtocolTCP, httpsPort)},
		{To: []networkingv1.NetworkPolicyPeer{cidr(c.VPCCIDR)}, Ports: ports(corev1.ProtocolTCP, postgresPort)},
	})
}

func ptr[T any](v T) *T { return &v }

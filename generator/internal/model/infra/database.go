package infra

import (
	"strings"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

// Database is the Aurora PostgreSQL Serverless v2 cluster.
type Database struct {
	Identifier      string // cluster identifier, coder-prod
	EngineVersion   string
	ParameterFamily string // aurora-postgresql16
	// ParameterGroup names the cluster parameter group after its family,
	// so that a major upgrade creates the new family's group beside the
	// one the cluster still uses (coder-prod-aurora-postgresql16).
	ParameterGroup string
	// MajorUpgrade is set while the environment opts in to an in-place
	// major-version upgrade (aurora_major_version_upgrade).
	MajorUpgrade   bool
	MinACU, MaxACU float64
	// InstanceAZs places the writer (first) and each reader.
	InstanceAZs []string
	PITRDays    int
	DBName      string
	MasterUser  string
	// AppUser is the role coderd logs in as with IAM auth tokens.
	AppUser string
	// SecretName is the seed's DB secret: connection details for coderd
	// that point at the RDS-managed master password secret.
	SecretName string
	LogGroup   string
}

// Backup is the AWS Backup plan that keeps Aurora recovery points longer
// than Aurora can.
type Backup struct {
	Vault, Plan   string
	Schedule      string
	RetentionDays int
	// CopyRegion is the region of the copy vault; empty for no copy.
	CopyRegion string
}

func database(c *config.Environment, n names.Names, db config.Database) Database {
	azs := []string{c.AvailabilityZones[0]}
	for i := 1; i <= c.AuroraReaderCount; i++ {
		azs = append(azs, c.AvailabilityZones[i%len(c.AvailabilityZones)])
	}
	major, _, _ := strings.Cut(c.AuroraEngineVersion, ".")
	return Database{
		Identifier:      n.Database.Cluster,
		EngineVersion:   c.AuroraEngineVersion,
		ParameterFamily: "aurora-postgresql" + major,
		ParameterGroup:  n.Database.Cluster + "-aurora-postgresql" + major,
		MajorUpgrade:    c.AuroraMajorUpgrade != nil,
		MinACU:          c.AuroraMinCapacity,
		MaxACU:          c.AuroraMaxCapacity,
		InstanceAZs:     azs,
		PITRDays:        c.AuroraPITRRetentionDays,
		DBName:          names.DBName,
		MasterUser:      names.DBUser,
		AppUser:         db.AppUser,
		SecretName:      n.Secrets.DB,
		LogGroup:        n.Logs.Aurora,
	}
}

func backup(c *config.Environment, n names.Names) Backup {
	b := Backup{
		Vault:         n.Database.BackupVault,
		Plan:          n.Database.BackupPlan,
		Schedule:      c.AuroraBackupSchedule,
		RetentionDays: c.AuroraBackupRetentionDays,
	}
	if c.EnableCrossRegionBackup {
		b.CopyRegion = c.BackupRegion
	}
	return b
}

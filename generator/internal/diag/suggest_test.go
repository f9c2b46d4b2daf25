package diag

import "testing"

func TestNearest(t *testing.T) {
	fields := []string{"vpc_cidr", "ws_node_max_size", "ws_node_min_size", "eks_cluster_version", "environment", "owner", "tags"}
	tests := []struct {
		name   string
		want   string
		wantOK bool
	}{
		{"ws_node_max_sise", "ws_node_max_size", true},
		{"vpc_cdir", "vpc_cidr", true}, // a swap counts once
		{"enviroment", "environment", true},
		{"VPC_CIDR", "vpc_cidr", true},
		{"cluster_version", "eks_cluster_version", true}, // missing prefix
		{"ownr", "owner", true},
		{"tag", "tags", true},
		{"node_size", "", false}, // contained in two names: ambiguous
		{"colour", "", false},
		{"x", "", false},
	}
	for _, tt := range tests {
		got, ok := Nearest(tt.name, fields)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("Nearest(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestNearestValue(t *testing.T) {
	tests := []struct {
		given   string
		allowed []string
		want    string
		wantOK  bool
	}{
		{`"githb"`, []string{`"github"`, `"gitlab"`, `"bitbucket"`}, `"github"`, true},
		{`"GitHub"`, []string{`"github"`, `"gitlab"`}, `"github"`, true},
		{`"svn"`, []string{`"github"`, `"gitlab"`}, "", false},
		{"100", []string{"90", "120", "365"}, "90", true},
		{"400", []string{"90", "120", "365"}, "365", true},
		{"true", []string{`"a"`}, "", false},
	}
	for _, tt := range tests {
		got, ok := NearestValue(tt.given, tt.allowed)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("NearestValue(%s, %v) = %q, %v; want %q, %v", tt.given, tt.allowed, got, ok, tt.want, tt.wantOK)
		}
	}
}

package k8s

import (
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/model/names"
)

func TestSTUNServer(t *testing.T) {
	c := &config.Environment{ProjectName: "coder", Environment: "prod", EnableSTUN: true, STUNServerImage: "docker.io/coturn/coturn:4.6.3"}
	n := names.For(c)
	objs := stunServer(c, n)
	if len(objs) != 5 {
		t.Fatalf("%d objects, want deployment, service, binding, budget, policy", len(objs))
	}
	binding := objs[2].(map[string]any)["spec"].(map[string]any)
	if binding["targetGroupName"] != n.STUNTargetGroup || binding["targetGroupName"] != "coder-prod-stun" {
		t.Errorf("binding targets %v, want the infra module's STUN target group %s", binding["targetGroupName"], n.STUNTargetGroup)
	}
	d := stunDeployment(c)
	if got := d.Spec.Template.Spec.Containers[0].Ports[0]; got.ContainerPort != names.STUNPort || got.Protocol != "UDP" {
		t.Errorf("first port %+v, want UDP %d (the NLB listener's)", got, names.STUNPort)
	}
	c.EnableSTUN = false
	if objs := stunServer(c, n); len(objs) != 0 {
		t.Errorf("STUN off still renders %d objects", len(objs))
	}
}

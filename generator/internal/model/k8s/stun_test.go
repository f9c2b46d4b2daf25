package k8s

import (
	"testing"

	"github.com/coder-eks/coder-eks/generator/internal/config"
	"github.com/coder-eks/coder-eks/generator/internal/plan/names"
)

func TestSTUNServer(t *testing.T) {
	c := &config.Environment{ProjectName: "coder", Environment: "prod", EnableSTUN: true, STUNServerImage: "docker.io/coturn/coturn:4.6.3"}
	n := names.For(c)
	img := config.ImageComponent{RunAs: 65534, Capabilities: []string{"NET_BIND_SERVICE"}, WritablePaths: []string{"/var/lib/coturn"}}
	objs := stunServer(c, n, img)
	if len(objs) != 5 {
		t.Fatalf("%d objects, want deployment, service, binding, budget, policy", len(objs))
	}
	binding := objs[2].(map[string]any)["spec"].(map[string]any)
	if binding["targetGroupName"] != n.Network.STUNTargetGroup || binding["targetGroupName"] != "coder-prod-stun" {
		t.Errorf("binding targets %v, want the infra module's STUN target group %s", binding["targetGroupName"], n.Network.STUNTargetGroup)
	}
	d := stunDeployment(c, img)
	ctr := d.Spec.Template.Spec.Containers[0]
	if add := ctr.SecurityContext.Capabilities.Add; len(add) != 1 || add[0] != "NET_BIND_SERVICE" {
		t.Errorf("capabilities added %v, want the image's file capability NET_BIND_SERVICE", add)
	}
	if len(ctr.VolumeMounts) != 1 || ctr.VolumeMounts[0].MountPath != "/var/lib/coturn" || d.Spec.Template.Spec.Volumes[0].EmptyDir == nil {
		t.Errorf("mounts %+v, want an emptyDir at /var/lib/coturn", ctr.VolumeMounts)
	}
	if got := d.Spec.Template.Spec.Containers[0].Ports[0]; got.ContainerPort != names.STUNPort || got.Protocol != "UDP" {
		t.Errorf("first port %+v, want UDP %d (the NLB listener's)", got, names.STUNPort)
	}
	c.EnableSTUN = false
	if objs := stunServer(c, n, img); len(objs) != 0 {
		t.Errorf("STUN off still renders %d objects", len(objs))
	}
}

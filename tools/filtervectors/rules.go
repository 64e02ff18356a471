package main

import (
	"net/netip"
	"slices"

	"tailscale.com/tailcfg"
)

var local = []string{"100.64.0.1/32", "fd7a:115c:a1e0::1/128"}

func ports(first, last uint16) tailcfg.PortRange {
	return tailcfg.PortRange{First: first, Last: last}
}

// ruleSets covers every address form, default and explicit protocols, port
// ranges, capability sources and rules that match nothing.
func ruleSets() map[string]ruleSet {
	return map[string]ruleSet{
		"allowAll": {Rules: tailcfg.FilterAllowAll, Local: local},
		"none":     {Rules: []tailcfg.FilterRule{}, Local: local},
		"ssh": {Rules: []tailcfg.FilterRule{{
			SrcIPs: []string{"100.64.0.2", "100.64.1.0-100.64.1.20", "fd7a:115c:a1e0::2"},
			DstPorts: []tailcfg.NetPortRange{
				{IP: "100.64.0.1", Ports: ports(22, 22)},
				{IP: "fd7a:115c:a1e0::1", Ports: ports(22, 22)},
			},
		}}, Local: local},
		"udpFromPrefixes": {Rules: []tailcfg.FilterRule{{
			SrcIPs:   []string{"100.64.0.0/24", "fd7a:115c:a1e0::/48", "10.0.0.1/8"},
			DstPorts: []tailcfg.NetPortRange{{IP: "*", Ports: ports(5000, 6000)}},
			IPProto:  []int{17},
		}}, Local: local},
		"otherProtocols": {Rules: []tailcfg.FilterRule{
			{
				SrcIPs:   []string{"*"},
				DstPorts: []tailcfg.NetPortRange{{IP: "100.64.0.1", Ports: ports(0, 65535)}, {IP: "fd7a:115c:a1e0::/64", Ports: ports(0, 65535)}},
				IPProto:  []int{47, 132, 300},
			},
			{
				SrcIPs:   []string{"*"},
				DstPorts: []tailcfg.NetPortRange{{IP: "*", Ports: ports(1, 65535)}},
				IPProto:  []int{50},
			},
		}, Local: local},
		"capabilities": {Rules: []tailcfg.FilterRule{
			{
				SrcIPs:   []string{"cap:tailscale.com/cap/test"},
				DstPorts: []tailcfg.NetPortRange{{IP: "*", Ports: ports(0, 65535)}},
			},
			{
				SrcIPs: []string{"*"},
				CapGrant: []tailcfg.CapGrant{{
					Dsts: []netip.Prefix{netip.MustParsePrefix("100.64.0.1/32")},
					Caps: []tailcfg.PeerCapability{"tailscale.com/cap/test"},
				}},
			},
		}, Local: local},
	}
}

func sortedKeys(m map[string]ruleSet) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

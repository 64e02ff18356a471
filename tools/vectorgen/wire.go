package main

import (
	"net/netip"

	"go4.org/mem"
	"tailscale.com/disco"
	"tailscale.com/net/stun"
	"tailscale.com/types/key"
)

// Wire-format vectors: what tailscale's own stun and disco packages put on the wire.

type stunVector struct {
	TxID     string `json:"txId"`
	Request  string `json:"request"`
	Mapped   string `json:"mapped"`
	Response string `json:"response"`
}

type discoVector struct {
	Kind      string   `json:"kind"`
	TxID      string   `json:"txId,omitempty"`
	NodeKey   string   `json:"nodeKey,omitempty"`
	Padding   int      `json:"padding,omitempty"`
	Endpoints []string `json:"endpoints,omitempty"`
	Plaintext string   `json:"plaintext"`
}

type wireFile struct {
	Source string        `json:"source"`
	Stun   []stunVector  `json:"stun"`
	Disco  []discoVector `json:"disco"`
}

func wireVectors() wireFile {
	var out wireFile
	out.Source = "tailscale.com v1.102.3 net/stun Request/Response and disco AppendMarshal"
	mapped := []string{"127.0.0.1:3478", "192.0.2.10:41641", "[2001:db8::5]:65535", "[fd7a:115c:a1e0::1]:1"}
	for _, m := range mapped {
		var tx stun.TxID
		copy(tx[:], det("stun-tx-"+m, 12))
		ap := netip.MustParseAddrPort(m)
		out.Stun = append(out.Stun, stunVector{TxID: hx(tx[:]), Request: hx(stun.Request(tx)), Mapped: m,
			Response: hx(stun.Response(tx, ap))})
	}

	nodeKey := key.NodePublicFromRaw32(mem.B(det("disco-node-key", 32)))
	for _, pad := range []int{0, 37} {
		var tx [12]byte
		copy(tx[:], det("disco-ping", 12))
		p := &disco.Ping{TxID: tx, NodeKey: nodeKey, Padding: pad}
		out.Disco = append(out.Disco, discoVector{Kind: "ping", TxID: hx(tx[:]), NodeKey: nodeKey.String(),
			Padding: pad, Plaintext: hx(p.AppendMarshal(nil))})
	}
	for _, src := range []string{"127.3.3.40:999", "[2001:db8::9]:41641"} {
		var tx [12]byte
		copy(tx[:], det("disco-pong-"+src, 12))
		p := &disco.Pong{TxID: tx, Src: netip.MustParseAddrPort(src)}
		out.Disco = append(out.Disco, discoVector{Kind: "pong", TxID: hx(tx[:]), Endpoints: []string{src},
			Plaintext: hx(p.AppendMarshal(nil))})
	}
	eps := []string{"192.0.2.1:41641", "[2001:db8::1]:41642", "127.0.0.1:1"}
	var ap []netip.AddrPort
	for _, e := range eps {
		ap = append(ap, netip.MustParseAddrPort(e))
	}
	cmm := &disco.CallMeMaybe{MyNumber: ap}
	out.Disco = append(out.Disco, discoVector{Kind: "callMeMaybe", Endpoints: eps, Plaintext: hx(cmm.AppendMarshal(nil))})
	return out
}

// Command filtervectors runs packets through tailscale's own packet filter
// (wgengine/filter: MatchesFromFilterRules, New, RunOut, RunIn) and prints the
// verdicts, plus the TSMP rejections packet.TailscaleRejectedHeader.Marshal
// builds for dropped SYNs, so the Java filter is checked against the real one.
package main

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"log"
	"net/netip"
	"os"

	"go4.org/netipx"
	"tailscale.com/net/packet"
	"tailscale.com/tailcfg"
	"tailscale.com/types/ipproto"
	"tailscale.com/wgengine/filter"
)

type ruleSet struct {
	Rules []tailcfg.FilterRule `json:"rules"`
	Local []string             `json:"local"`
}

type filterCase struct {
	Name     string   `json:"name"`
	RuleSet  string   `json:"ruleSet"`
	Outbound []string `json:"outbound,omitempty"`
	Packet   string   `json:"packet"`
	Accept   bool     `json:"accept"`
}

type rejectCase struct {
	Name   string `json:"name"`
	Syn    string `json:"syn"`
	Reject string `json:"reject"`
}

type vectorFile struct {
	Source   string             `json:"source"`
	RuleSets map[string]ruleSet `json:"ruleSets"`
	Cases    []filterCase       `json:"cases"`
	Rejects  []rejectCase       `json:"rejects"`
}

func main() {
	out := flag.String("out", "../../core/src/test/resources/vectors/filter-vectors.json", "where to write the vectors")
	flag.Parse()
	v := vectorFile{
		Source:   "tailscale.com v1.102.3 wgengine/filter (RunIn after RunOut) and net/packet (TailscaleRejectedHeader.Marshal)",
		RuleSets: ruleSets(),
	}
	for _, name := range sortedKeys(v.RuleSets) {
		for _, p := range inboundPackets() {
			v.Cases = append(v.Cases, run(name, v.RuleSets[name], p))
		}
	}
	for _, p := range inboundPackets() {
		if rj, ok := reject(p.packet); ok {
			v.Rejects = append(v.Rejects, rejectCase{Name: p.name, Syn: hex.EncodeToString(p.packet), Reject: hex.EncodeToString(rj)})
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// run builds tailscale's filter for rs, feeds it the outbound packets, then
// asks RunIn about the inbound one.
func run(name string, rs ruleSet, p inbound) filterCase {
	// An entry that does not parse is reported and skipped; the rest of the rules stand.
	matches, _ := filter.MatchesFromFilterRules(rs.Rules)
	var local netipx.IPSetBuilder
	for _, s := range rs.Local {
		local.AddPrefix(netip.MustParsePrefix(s))
	}
	localSet, err := local.IPSet()
	if err != nil {
		log.Fatal(err)
	}
	f := filter.New(matches, nil, localSet, nil, nil, log.Printf)
	c := filterCase{Name: p.name, RuleSet: name}
	for _, o := range p.outbound {
		var q packet.Parsed
		q.Decode(o)
		f.RunOut(&q, 0)
		c.Outbound = append(c.Outbound, hex.EncodeToString(o))
	}
	var q packet.Parsed
	q.Decode(p.packet)
	c.Packet = hex.EncodeToString(p.packet)
	c.Accept = f.RunIn(&q, 0) == filter.Accept
	return c
}

// reject is what tailscale's tstun.Wrapper sends back for a dropped IPv4 TCP SYN.
func reject(b []byte) ([]byte, bool) {
	var p packet.Parsed
	p.Decode(b)
	if p.IPVersion != 4 || p.IPProto != ipproto.TCP || p.TCPFlags&packet.TCPSyn == 0 {
		return nil, false
	}
	rj := packet.TailscaleRejectedHeader{
		IPSrc:  p.Dst.Addr(),
		IPDst:  p.Src.Addr(),
		Src:    p.Src,
		Dst:    p.Dst,
		Proto:  p.IPProto,
		Reason: packet.RejectedDueToACLs,
	}
	return packet.Generate(rj, nil), true
}

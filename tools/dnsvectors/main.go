// Command dnsvectors prints DNS messages built by golang.org/x/net/dns/dnsmessage,
// the package tailscale's quad-100 resolver (net/dns/resolver) parses queries and
// builds answers with, so the Java codec is checked against the real encoder.
//
// Every message is written as hex next to a field-by-field description of what it
// holds. "compressed" says the builder had name compression on: those bytes are the
// canonical encoding the Java writer must reproduce; the others are only parsed.
package main

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"log"
	"net/netip"
	"os"
	"path/filepath"

	dns "golang.org/x/net/dns/dnsmessage"
)

type question struct {
	Name  string `json:"name"`
	Type  int    `json:"type"`
	Class int    `json:"class"`
}

type record struct {
	Name  string `json:"name"`
	Type  int    `json:"type"`
	Class int    `json:"class"`
	TTL   uint32 `json:"ttl"`
	// Exactly one of the following describes the rdata.
	IP     string `json:"ip,omitempty"`
	Target string `json:"target,omitempty"`
	SOA    *soa   `json:"soa,omitempty"`
	Rdata  string `json:"rdataHex,omitempty"`
}

type soa struct {
	NS      string `json:"ns"`
	MBox    string `json:"mbox"`
	Serial  uint32 `json:"serial"`
	Refresh uint32 `json:"refresh"`
	Retry   uint32 `json:"retry"`
	Expire  uint32 `json:"expire"`
	MinTTL  uint32 `json:"minTtl"`
}

type header struct {
	ID                 uint16 `json:"id"`
	Response           bool   `json:"response"`
	OpCode             int    `json:"opcode"`
	Authoritative      bool   `json:"authoritative"`
	Truncated          bool   `json:"truncated"`
	RecursionDesired   bool   `json:"recursionDesired"`
	RecursionAvailable bool   `json:"recursionAvailable"`
	AuthenticData      bool   `json:"authenticData"`
	CheckingDisabled   bool   `json:"checkingDisabled"`
	RCode              int    `json:"rcode"`
}

type vector struct {
	Name        string     `json:"name"`
	Hex         string     `json:"hex"`
	Compressed  bool       `json:"compressed"`
	Header      header     `json:"header"`
	Questions   []question `json:"questions"`
	Answers     []record   `json:"answers"`
	Authorities []record   `json:"authorities"`
	Additionals []record   `json:"additionals"`
}

func main() {
	out := flag.String("out", "../../core/src/test/resources/vectors/dns-vectors.json", "where to write the vectors")
	flag.Parse()

	vs := []vector{
		build("query A", false, dns.Header{ID: 0x1234, RecursionDesired: true},
			[]dns.Question{q("ts1.tailnet.test.", dns.TypeA)}, nil, nil, nil),
		build("query AAAA with EDNS0", false, dns.Header{ID: 0xbeef, RecursionDesired: true},
			[]dns.Question{q("TS1.Tailnet.Test.", dns.TypeAAAA)}, nil, nil, []rr{opt(1232, true)}),
		build("answer A", true, answerHeader(0x1234, dns.RCodeSuccess),
			[]dns.Question{q("ts1.tailnet.test.", dns.TypeA)},
			[]rr{a("ts1.tailnet.test.", "100.64.0.1")}, nil, nil),
		build("answer A uncompressed as tailscale sends one address", false, answerHeader(0x1234, dns.RCodeSuccess),
			[]dns.Question{q("ts1.tailnet.test.", dns.TypeA)},
			[]rr{a("ts1.tailnet.test.", "100.64.0.1")}, nil, nil),
		build("answer AAAA", true, answerHeader(7, dns.RCodeSuccess),
			[]dns.Question{q("ts1.tailnet.test.", dns.TypeAAAA)},
			[]rr{a("ts1.tailnet.test.", "fd7a:115c:a1e0::1")}, nil, nil),
		build("answer PTR", true, answerHeader(8, dns.RCodeSuccess),
			[]dns.Question{q("1.0.64.100.in-addr.arpa.", dns.TypePTR)},
			[]rr{ptr("1.0.64.100.in-addr.arpa.", "ts1.tailnet.test.")}, nil, nil),
		build("NXDOMAIN with SOA", true, answerHeader(9, dns.RCodeNameError),
			[]dns.Question{q("nope.tailnet.test.", dns.TypeA)}, nil,
			[]rr{soaRR("tailnet.test.", 1700000000)}, nil),
		build("no data with SOA", true, answerHeader(10, dns.RCodeSuccess),
			[]dns.Question{q("ts1.tailnet.test.", dns.TypeAAAA)}, nil,
			[]rr{soaRR("tailnet.test.", 1700000000)}, nil),
		build("CNAME chain and two addresses", true, answerHeader(11, dns.RCodeSuccess),
			[]dns.Question{q("www.tailnet.test.", dns.TypeA)},
			[]rr{cname("www.tailnet.test.", "web.tailnet.test."), a("web.tailnet.test.", "100.64.0.5"),
				a("web.tailnet.test.", "100.64.0.6")}, nil, []rr{opt(4095, false)}),
		build("unknown type carried as opaque rdata", true, answerHeader(12, dns.RCodeSuccess),
			[]dns.Question{q("ts1.tailnet.test.", dns.TypeTXT)},
			[]rr{txt("ts1.tailnet.test.", "hello")}, nil, nil),
	}
	b, err := json.MarshalIndent(vs, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}

// rr adds one resource record to a builder and describes it for the JSON.
type rr struct {
	add  func(*dns.Builder) error
	desc record
}

func name(s string) dns.Name { return dns.MustNewName(s) }

func q(n string, t dns.Type) dns.Question {
	return dns.Question{Name: name(n), Type: t, Class: dns.ClassINET}
}

// answerHeader is the header tailscale's marshalResponse writes for a query with RD set.
func answerHeader(id uint16, rcode dns.RCode) dns.Header {
	return dns.Header{ID: id, Response: true, Authoritative: true, RecursionDesired: true,
		RecursionAvailable: true, RCode: rcode}
}

func rh(n string, t dns.Type, ttl uint32) dns.ResourceHeader {
	return dns.ResourceHeader{Name: name(n), Type: t, Class: dns.ClassINET, TTL: ttl}
}

func a(n, ip string) rr {
	addr := netip.MustParseAddr(ip)
	if addr.Is4() {
		return rr{func(b *dns.Builder) error { return b.AResource(rh(n, dns.TypeA, 5), dns.AResource{A: addr.As4()}) },
			record{Name: n, Type: int(dns.TypeA), Class: 1, TTL: 5, IP: ip}}
	}
	return rr{func(b *dns.Builder) error {
		return b.AAAAResource(rh(n, dns.TypeAAAA, 5), dns.AAAAResource{AAAA: addr.As16()})
	}, record{Name: n, Type: int(dns.TypeAAAA), Class: 1, TTL: 5, IP: ip}}
}

func ptr(n, target string) rr {
	return rr{func(b *dns.Builder) error {
		return b.PTRResource(rh(n, dns.TypePTR, 5), dns.PTRResource{PTR: name(target)})
	}, record{Name: n, Type: int(dns.TypePTR), Class: 1, TTL: 5, Target: target}}
}

func cname(n, target string) rr {
	return rr{func(b *dns.Builder) error {
		return b.CNAMEResource(rh(n, dns.TypeCNAME, 5), dns.CNAMEResource{CNAME: name(target)})
	}, record{Name: n, Type: int(dns.TypeCNAME), Class: 1, TTL: 5, Target: target}}
}

// soaRR is the placeholder SOA tailscale's marshalSOA puts in negative answers.
func soaRR(zone string, serial uint32) rr {
	s := soa{NS: zone, MBox: zone, Serial: serial, Refresh: 10, Retry: 10, Expire: 10, MinTTL: 10}
	return rr{func(b *dns.Builder) error {
		return b.SOAResource(rh(zone, dns.TypeSOA, 10), dns.SOAResource{NS: name(zone), MBox: name(zone),
			Serial: serial, Refresh: 10, Retry: 10, Expire: 10, MinTTL: 10})
	}, record{Name: zone, Type: int(dns.TypeSOA), Class: 1, TTL: 10, SOA: &s}}
}

func txt(n, text string) rr {
	return rr{func(b *dns.Builder) error {
		return b.TXTResource(rh(n, dns.TypeTXT, 5), dns.TXTResource{TXT: []string{text}})
	}, record{Name: n, Type: int(dns.TypeTXT), Class: 1, TTL: 5,
		Rdata: hex.EncodeToString(append([]byte{byte(len(text))}, text...))}}
}

// opt is an EDNS0 OPT pseudo-record: the class carries the UDP payload size.
func opt(udpSize int, dnssecOK bool) rr {
	var h dns.ResourceHeader
	if err := h.SetEDNS0(udpSize, dns.RCodeSuccess, dnssecOK); err != nil {
		log.Fatal(err)
	}
	return rr{func(b *dns.Builder) error { return b.OPTResource(h, dns.OPTResource{}) },
		record{Name: ".", Type: int(dns.TypeOPT), Class: udpSize, TTL: h.TTL}}
}

func build(label string, compress bool, h dns.Header, qs []dns.Question, an, ns, ar []rr) vector {
	b := dns.NewBuilder(nil, h)
	if compress {
		b.EnableCompression()
	}
	must(b.StartQuestions())
	for _, x := range qs {
		must(b.Question(x))
	}
	v := vector{Name: label, Compressed: compress, Header: describe(h), Questions: []question{},
		Answers: []record{}, Authorities: []record{}, Additionals: []record{}}
	for _, x := range qs {
		v.Questions = append(v.Questions, question{x.Name.String(), int(x.Type), int(x.Class)})
	}
	sections := []struct {
		start func() error
		rrs   []rr
		into  *[]record
	}{{b.StartAnswers, an, &v.Answers}, {b.StartAuthorities, ns, &v.Authorities}, {b.StartAdditionals, ar, &v.Additionals}}
	for _, s := range sections {
		must(s.start())
		for _, r := range s.rrs {
			must(r.add(&b))
			*s.into = append(*s.into, r.desc)
		}
	}
	msg, err := b.Finish()
	must(err)
	v.Hex = hex.EncodeToString(msg)
	return v
}

func describe(h dns.Header) header {
	return header{ID: h.ID, Response: h.Response, OpCode: int(h.OpCode), Authoritative: h.Authoritative,
		Truncated: h.Truncated, RecursionDesired: h.RecursionDesired, RecursionAvailable: h.RecursionAvailable,
		AuthenticData: h.AuthenticData, CheckingDisabled: h.CheckingDisabled, RCode: int(h.RCode)}
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

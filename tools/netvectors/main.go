// Command netvectors prints IPv4, IPv6, UDP and ICMP packets encoded by gVisor's
// tcpip/header package (the netstack tailscale runs), so the Java netstack's
// parsers and builders are checked against the real thing rather than against
// themselves.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"log"
	"math/rand/v2"
	"net/netip"
	"os"

	"gvisor.dev/gvisor/pkg/tcpip"
)

type vectorFile struct {
	Source      string            `json:"source"`
	Udp         []udpVector       `json:"udp"`
	Echo        []echoVector      `json:"echo"`
	Unreachable []unreachVector   `json:"portUnreachable"`
	ExtHeaders  []extHeaderVector `json:"ipv6ExtensionHeaders"`
	Fragmented  []fragmentVector  `json:"fragmented"`
}

func main() {
	out := flag.String("out", "../../netstack/src/test/resources/vectors/netstack-vectors.json", "where to write the vectors")
	flag.Parse()
	v := vectorFile{
		Source:      "gvisor.dev/gvisor v0.0.0-20260224225140-573d5e7127a8 pkg/tcpip/header (the version tailscale v1.102.3 uses)",
		Udp:         udpVectors(),
		Echo:        echoVectors(),
		Unreachable: unreachableVectors(),
		ExtHeaders:  extHeaderVectors(),
		Fragmented:  fragmentVectors(),
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

// det returns n bytes that depend only on label (ChaCha8 keyed by its
// SHA-256), so every regeneration is byte-for-byte identical.
func det(label string, n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8(sha256.Sum256([]byte(label))).Read(b)
	return b
}

func hx(b []byte) string { return hex.EncodeToString(b) }

// addr parses a literal IPv4 or IPv6 address into gVisor's address type.
func addr(s string) tcpip.Address {
	return tcpip.AddrFromSlice(netip.MustParseAddr(s).AsSlice())
}

// Command netvectors prints IPv4, IPv6, UDP and ICMP packets encoded by gVisor's
// tcpip/header package (the netstack tailscale runs), so the Java netstack's
// parsers and builders are checked against the real thing rather than against
// themselves.
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"log"
	"net/netip"
	"os"
	"path/filepath"

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
	out := flag.String("out", "../../core/src/test/resources/vectors/netstack-vectors.json", "where to write the vectors")
	flag.Parse()
	v := vectorFile{
		Source:      "gvisor.dev/gvisor v0.0.0-20260224225140-573d5e7127a8 pkg/tcpip/header (the version tailscale v1.102.3 uses)",
		Udp:         udpVectors(),
		Echo:        echoVectors(),
		Unreachable: unreachableVectors(),
		ExtHeaders:  extHeaderVectors(),
		Fragmented:  fragmentVectors(),
	}
	b, err := json.MarshalIndent(v, "", "  ")
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

// det returns n bytes that depend only on label: SHA-256 in counter mode, so
// every regeneration is byte-for-byte identical.
func det(label string, n int) []byte {
	out := make([]byte, 0, n+sha256.Size)
	for counter := uint32(0); len(out) < n; counter++ {
		var c [4]byte
		binary.BigEndian.PutUint32(c[:], counter)
		sum := sha256.Sum256(append([]byte(label), c[:]...))
		out = append(out, sum[:]...)
	}
	return out[:n]
}

func hx(b []byte) string { return hex.EncodeToString(b) }

// addr parses a literal IPv4 or IPv6 address into gVisor's address type.
func addr(s string) tcpip.Address {
	return tcpip.AddrFromSlice(netip.MustParseAddr(s).AsSlice())
}

// Command tcpvectors prints TCP segments built by gVisor's netstack header
// package (the TCP/IP stack tailscale embeds), so the Java segment codec is
// checked against a real implementation rather than against itself.
package main

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"log"
	"net/netip"
	"os"
	"path/filepath"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// vector is one segment and the fields it was built from. Options that a
// segment does not carry are zero (mss, tsVal) or -1 (wscale).
type vector struct {
	Name          string `json:"name"`
	Src           string `json:"src"`
	Dst           string `json:"dst"`
	SrcPort       uint16 `json:"srcPort"`
	DstPort       uint16 `json:"dstPort"`
	Seq           uint32 `json:"seq"`
	Ack           uint32 `json:"ack"`
	Flags         uint8  `json:"flags"`
	Window        uint16 `json:"window"`
	MSS           uint16 `json:"mss"`
	WScale        int    `json:"wscale"`
	SACKPermitted bool   `json:"sackPermitted"`
	TSVal         uint32 `json:"tsVal"`
	TSEcr         uint32 `json:"tsEcr"`
	Payload       string `json:"payload"`
	Segment       string `json:"segment"`
}

type segment struct {
	name             string
	src, dst         string
	srcPort, dstPort uint16
	seq, ack         uint32
	flags            header.TCPFlags
	window           uint16
	mss              uint16
	wscale           int
	sackPermitted    bool
	tsVal, tsEcr     uint32
	payload          []byte
}

// options lays options out as MicroLink sends them: MSS, NOP+WS, NOP+NOP+SACK
// permitted, then NOP+NOP+timestamps, each padded to a 4-byte boundary.
func (s segment) options() []byte {
	b := make([]byte, 40)
	n := 0
	if s.mss != 0 {
		n += header.EncodeMSSOption(uint32(s.mss), b[n:])
	}
	if s.wscale >= 0 {
		n += header.EncodeNOP(b[n:])
		n += header.EncodeWSOption(s.wscale, b[n:])
	}
	if s.sackPermitted {
		n += header.EncodeNOP(b[n:])
		n += header.EncodeNOP(b[n:])
		n += header.EncodeSACKPermittedOption(b[n:])
	}
	if s.tsVal != 0 {
		n += header.EncodeNOP(b[n:])
		n += header.EncodeNOP(b[n:])
		n += header.EncodeTSOption(s.tsVal, s.tsEcr, b[n:])
	}
	return b[:n]
}

func (s segment) build() vector {
	opts := s.options()
	hlen := header.TCPMinimumSize + len(opts)
	b := make([]byte, hlen+len(s.payload))
	tcp := header.TCP(b)
	tcp.Encode(&header.TCPFields{
		SrcPort:    s.srcPort,
		DstPort:    s.dstPort,
		SeqNum:     s.seq,
		AckNum:     s.ack,
		DataOffset: uint8(hlen),
		Flags:      s.flags,
		WindowSize: s.window,
	})
	copy(b[header.TCPMinimumSize:], opts)
	copy(b[hlen:], s.payload)
	src := tcpip.AddrFromSlice(netip.MustParseAddr(s.src).AsSlice())
	dst := tcpip.AddrFromSlice(netip.MustParseAddr(s.dst).AsSlice())
	xsum := header.PseudoHeaderChecksum(header.TCPProtocolNumber, src, dst, uint16(len(b)))
	xsum = checksum.Checksum(s.payload, xsum)
	tcp.SetChecksum(^tcp.CalculateChecksum(xsum))
	if !tcp.IsChecksumValid(src, dst, checksum.Checksum(s.payload, 0), uint16(len(s.payload))) {
		log.Fatalf("%s: gVisor rejects its own checksum", s.name)
	}
	parsed := header.ParseSynOptions(tcp.Options(), s.flags.Contains(header.TCPFlagAck))
	if s.flags.Contains(header.TCPFlagSyn) && s.mss != 0 && parsed.MSS != s.mss {
		log.Fatalf("%s: gVisor parses MSS %d, built %d", s.name, parsed.MSS, s.mss)
	}
	return vector{
		Name: s.name, Src: s.src, Dst: s.dst, SrcPort: s.srcPort, DstPort: s.dstPort,
		Seq: s.seq, Ack: s.ack, Flags: uint8(s.flags), Window: s.window,
		MSS: s.mss, WScale: s.wscale, SACKPermitted: s.sackPermitted,
		TSVal: s.tsVal, TSEcr: s.tsEcr,
		Payload: hex.EncodeToString(s.payload), Segment: hex.EncodeToString(b),
	}
}

func segments(family, src, dst string, mss uint16) []segment {
	payload := []byte("GET / HTTP/1.1\r\nHost: 100.64.0.1\r\n\r\n")
	odd := []byte("odd-length payload!")
	return []segment{
		{name: family + " syn", src: src, dst: dst, srcPort: 49152, dstPort: 80,
			seq: 0xfffffff0, flags: header.TCPFlagSyn, window: 65535,
			mss: mss, wscale: 7, sackPermitted: true},
		{name: family + " syn-ack with timestamps", src: dst, dst: src, srcPort: 80, dstPort: 49152,
			seq: 0x12345678, ack: 0xfffffff1, flags: header.TCPFlagSyn | header.TCPFlagAck, window: 64240,
			mss: mss, wscale: 9, sackPermitted: true, tsVal: 0xdeadbeef, tsEcr: 0},
		{name: family + " data", src: src, dst: dst, srcPort: 49152, dstPort: 80,
			seq: 0xfffffff1, ack: 0x12345679, flags: header.TCPFlagAck | header.TCPFlagPsh, window: 2048,
			wscale: -1, payload: payload},
		{name: family + " odd data", src: dst, dst: src, srcPort: 80, dstPort: 49152,
			seq: 0x12345679, ack: 0x00000015, flags: header.TCPFlagAck, window: 501,
			wscale: -1, payload: odd},
		{name: family + " fin-ack", src: src, dst: dst, srcPort: 49152, dstPort: 80,
			seq: 0x00000015, ack: 0x1234568c, flags: header.TCPFlagFin | header.TCPFlagAck, window: 2048,
			wscale: -1},
		{name: family + " rst", src: dst, dst: src, srcPort: 80, dstPort: 49152,
			seq: 0x1234568c, flags: header.TCPFlagRst, wscale: -1},
		{name: family + " rst-ack", src: dst, dst: src, srcPort: 443, dstPort: 50000,
			ack: 0x01020305, flags: header.TCPFlagRst | header.TCPFlagAck, wscale: -1},
	}
}

func main() {
	out := flag.String("out", "../../netstack/src/test/resources/vectors/tcp-vectors.json", "where to write the vectors")
	flag.Parse()

	var vs []vector
	for _, s := range segments("ipv4", "100.64.0.1", "100.101.102.103", 1240) {
		vs = append(vs, s.build())
	}
	for _, s := range segments("ipv6", "fd7a:115c:a1e0::1", "fd7a:115c:a1e0:ab12:4843:cd96:6258:b240", 1220) {
		vs = append(vs, s.build())
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

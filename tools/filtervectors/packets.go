package main

import (
	"encoding/binary"
	"net/netip"
)

type inbound struct {
	name     string
	outbound [][]byte // sent by us first, on the same filter
	packet   []byte
}

const (
	us4, peer4, ranged4, stranger4 = "100.64.0.1", "100.64.0.2", "100.64.1.5", "100.64.2.1"
	us6, peer6, stranger6          = "fd7a:115c:a1e0::1", "fd7a:115c:a1e0::2", "fd7a:115c:a1e1::9"
)

// ip builds an IPv4 (with a valid header checksum) or IPv6 packet; fragOffset
// is in 8-byte blocks and only used for IPv4.
func ip(src, dst string, proto byte, fragOffset uint16, payload []byte) []byte {
	s, d := netip.MustParseAddr(src), netip.MustParseAddr(dst)
	if s.Is4() {
		b := make([]byte, 20+len(payload))
		b[0] = 0x45
		binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
		binary.BigEndian.PutUint16(b[6:], fragOffset)
		b[8], b[9] = 64, proto
		s4, d4 := s.As4(), d.As4()
		copy(b[12:], s4[:])
		copy(b[16:], d4[:])
		binary.BigEndian.PutUint16(b[10:], ^sum(b[:20]))
		copy(b[20:], payload)
		return b
	}
	b := make([]byte, 40+len(payload))
	b[0] = 0x60
	binary.BigEndian.PutUint16(b[4:], uint16(len(payload)))
	b[6], b[7] = proto, 64
	s16, d16 := s.As16(), d.As16()
	copy(b[8:], s16[:])
	copy(b[24:], d16[:])
	copy(b[40:], payload)
	return b
}

func sum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

// tcp is a bare 20-byte header; the filter reads only ports and flags.
func tcp(srcPort, dstPort uint16, flags byte) []byte {
	b := make([]byte, 20)
	binary.BigEndian.PutUint16(b, srcPort)
	binary.BigEndian.PutUint16(b[2:], dstPort)
	b[12], b[13] = 5<<4, flags
	return b
}

func udp(srcPort, dstPort uint16) []byte {
	b := make([]byte, 12)
	binary.BigEndian.PutUint16(b, srcPort)
	binary.BigEndian.PutUint16(b[2:], dstPort)
	binary.BigEndian.PutUint16(b[4:], uint16(len(b)))
	return b
}

func icmp(typ, code byte) []byte {
	return []byte{typ, code, 0, 0, 0, 1, 0, 1}
}

const (
	syn, ack, rst = 0x02, 0x10, 0x04
	protoTCP      = 6
	protoUDP      = 17
	protoICMP4    = 1
	protoICMP6    = 58
	protoGRE      = 47
	protoESP      = 50
	protoSCTP     = 132
	protoTSMP     = 99
)

func inboundPackets() []inbound {
	return []inbound{
		{name: "tcp4 syn to 22 from peer", packet: ip(peer4, us4, protoTCP, 0, tcp(40000, 22, syn))},
		{name: "tcp4 syn to 22 from range", packet: ip(ranged4, us4, protoTCP, 0, tcp(40000, 22, syn))},
		{name: "tcp4 syn to 22 from stranger", packet: ip(stranger4, us4, protoTCP, 0, tcp(40000, 22, syn))},
		{name: "tcp4 syn to 80 from peer", packet: ip(peer4, us4, protoTCP, 0, tcp(40000, 80, syn))},
		{name: "tcp4 syn-ack from stranger", packet: ip(stranger4, us4, protoTCP, 0, tcp(80, 40000, syn|ack))},
		{name: "tcp4 ack from stranger", packet: ip(stranger4, us4, protoTCP, 0, tcp(80, 40000, ack))},
		{name: "tcp4 rst from stranger", packet: ip(stranger4, us4, protoTCP, 0, tcp(80, 40000, rst))},
		{name: "tcp4 syn to someone else", packet: ip(peer4, "100.64.0.9", protoTCP, 0, tcp(40000, 22, syn))},
		{name: "tcp4 truncated header", packet: ip(peer4, us4, protoTCP, 0, tcp(40000, 22, syn)[:10])},
		{name: "tcp6 syn to 22 from peer", packet: ip(peer6, us6, protoTCP, 0, tcp(40000, 22, syn))},
		{name: "tcp6 syn to 22 from stranger", packet: ip(stranger6, us6, protoTCP, 0, tcp(40000, 22, syn))},
		{name: "tcp6 ack from stranger", packet: ip(stranger6, us6, protoTCP, 0, tcp(80, 40000, ack))},
		{name: "udp4 to 5353 from peer", packet: ip(peer4, us4, protoUDP, 0, udp(40000, 5353))},
		{name: "udp4 to 5000 from peer", packet: ip(peer4, us4, protoUDP, 0, udp(40000, 5000))},
		{name: "udp4 to 6000 from 10/8", packet: ip("10.1.2.3", us4, protoUDP, 0, udp(40000, 6000))},
		{name: "udp4 to 6001 from peer", packet: ip(peer4, us4, protoUDP, 0, udp(40000, 6001))},
		{name: "udp6 to 5999 from peer", packet: ip(peer6, us6, protoUDP, 0, udp(40000, 5999))},
		{name: "udp6 to 5999 from stranger", packet: ip(stranger6, us6, protoUDP, 0, udp(40000, 5999))},
		{
			name:     "udp4 reply to our flow",
			outbound: [][]byte{ip(us4, stranger4, protoUDP, 0, udp(41000, 53))},
			packet:   ip(stranger4, us4, protoUDP, 0, udp(53, 41000)),
		},
		{
			name:     "udp4 from our flow's peer to another port",
			outbound: [][]byte{ip(us4, stranger4, protoUDP, 0, udp(41000, 53))},
			packet:   ip(stranger4, us4, protoUDP, 0, udp(53, 41001)),
		},
		{
			name:     "udp6 reply to our flow",
			outbound: [][]byte{ip(us6, stranger6, protoUDP, 0, udp(41000, 53))},
			packet:   ip(stranger6, us6, protoUDP, 0, udp(53, 41000)),
		},
		{name: "udp4 multicast", packet: ip(peer4, "224.0.0.251", protoUDP, 0, udp(5353, 5353))},
		{name: "udp6 multicast", packet: ip(peer6, "ff02::fb", protoUDP, 0, udp(5353, 5353))},
		{name: "udp4 link-local", packet: ip(peer4, "169.254.1.1", protoUDP, 0, udp(5353, 5353))},
		{name: "udp6 link-local", packet: ip(peer6, "fe80::1", protoUDP, 0, udp(5353, 5353))},
		{name: "icmp4 echo request from peer", packet: ip(peer4, us4, protoICMP4, 0, icmp(8, 0))},
		{name: "icmp4 echo request from stranger", packet: ip(stranger4, us4, protoICMP4, 0, icmp(8, 0))},
		{name: "icmp4 echo reply from stranger", packet: ip(stranger4, us4, protoICMP4, 0, icmp(0, 0))},
		{name: "icmp4 unreachable from stranger", packet: ip(stranger4, us4, protoICMP4, 0, icmp(3, 1))},
		{name: "icmp4 time exceeded from stranger", packet: ip(stranger4, us4, protoICMP4, 0, icmp(11, 0))},
		{name: "icmp6 echo request from peer", packet: ip(peer6, us6, protoICMP6, 0, icmp(128, 0))},
		{name: "icmp6 echo request from stranger", packet: ip(stranger6, us6, protoICMP6, 0, icmp(128, 0))},
		{name: "icmp6 echo reply from stranger", packet: ip(stranger6, us6, protoICMP6, 0, icmp(129, 0))},
		{name: "icmp6 packet too big from stranger", packet: ip(stranger6, us6, protoICMP6, 0, icmp(2, 0))},
		{name: "gre4 from stranger", packet: ip(stranger4, us4, protoGRE, 0, make([]byte, 8))},
		{name: "gre6 from stranger", packet: ip(stranger6, us6, protoGRE, 0, make([]byte, 8))},
		{name: "esp4 from peer", packet: ip(peer4, us4, protoESP, 0, make([]byte, 8))},
		{name: "sctp4 to 9 from peer", packet: ip(peer4, us4, protoSCTP, 0, udp(40000, 9))},
		{name: "tsmp4 reject notice from stranger", packet: ip(stranger4, us4, protoTSMP, 0, []byte{'!', protoTCP, 'A', 0, 22, 0x9c, 0x40})},
		{name: "tsmp4 reject notice to someone else", packet: ip(stranger4, "100.64.0.9", protoTSMP, 0, []byte{'!', protoTCP, 'A', 0, 22, 0x9c, 0x40})},
		{name: "ipv4 protocol 0", packet: ip(peer4, us4, 0, 0, make([]byte, 8))},
		{name: "udp4 later fragment", packet: ip(stranger4, us4, protoUDP, 185, make([]byte, 64))},
		{name: "udp4 tiny later fragment", packet: ip(stranger4, us4, protoUDP, 1, make([]byte, 64))},
		{name: "udp4 first fragment from stranger", packet: ip(stranger4, us4, protoUDP, 0x2000, udp(40000, 5000))},
		{name: "udp4 later fragment to multicast", packet: ip(stranger4, "224.0.0.251", protoUDP, 185, make([]byte, 64))},
	}
}

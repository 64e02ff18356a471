package main

import (
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// The fields the Java builder fills in for packets it originates.
const (
	hopLimit = 64
	v4Flags  = header.IPv4FlagDontFragment
)

// ipv4 puts an IPv4 header with a valid checksum in front of payload.
func ipv4(src, dst string, proto tcpip.TransportProtocolNumber, id uint16, flags uint8, fragOffset uint16, payload []byte) []byte {
	b := make([]byte, header.IPv4MinimumSize+len(payload))
	h := header.IPv4(b)
	h.Encode(&header.IPv4Fields{
		TotalLength:    uint16(len(b)),
		ID:             id,
		Flags:          flags,
		FragmentOffset: fragOffset,
		TTL:            hopLimit,
		Protocol:       uint8(proto),
		SrcAddr:        addr(src),
		DstAddr:        addr(dst),
	})
	h.SetChecksum(^h.CalculateChecksum())
	copy(b[header.IPv4MinimumSize:], payload)
	return b
}

// ipv6 puts an IPv6 header and the given extension headers in front of payload.
func ipv6(src, dst string, proto tcpip.TransportProtocolNumber, ext header.IPv6ExtHdrSerializer, payload []byte) []byte {
	hdrLen := header.IPv6MinimumSize + ext.Length()
	b := make([]byte, hdrLen+len(payload))
	header.IPv6(b).Encode(&header.IPv6Fields{
		PayloadLength:     uint16(ext.Length() + len(payload)),
		TransportProtocol: proto,
		HopLimit:          hopLimit,
		SrcAddr:           addr(src),
		DstAddr:           addr(dst),
		ExtensionHeaders:  ext,
	})
	copy(b[hdrLen:], payload)
	return b
}

// udp returns a UDP header and data with the checksum over the pseudo header,
// written as gVisor's UDP endpoint writes it (a sum of 0xffff goes out as
// 0xffff, since a zero field means "no checksum").
func udp(src, dst string, srcPort, dstPort uint16, data []byte) []byte {
	b := make([]byte, header.UDPMinimumSize+len(data))
	copy(b[header.UDPMinimumSize:], data)
	u := header.UDP(b)
	u.Encode(&header.UDPFields{SrcPort: srcPort, DstPort: dstPort, Length: uint16(len(b))})
	xsum := header.PseudoHeaderChecksum(header.UDPProtocolNumber, addr(src), addr(dst), uint16(len(b)))
	xsum = checksum.Checksum(data, xsum)
	xsum = u.CalculateChecksum(xsum)
	if xsum != 0xffff {
		xsum = ^xsum
	}
	u.SetChecksum(xsum)
	return b
}

// icmpv4 returns an ICMPv4 message: type, code, the four rest-of-header bytes, body.
func icmpv4(typ header.ICMPv4Type, code header.ICMPv4Code, rest uint32, body []byte) []byte {
	b := make([]byte, header.ICMPv4MinimumSize+len(body))
	copy(b[header.ICMPv4MinimumSize:], body)
	m := header.ICMPv4(b)
	m.SetType(typ)
	m.SetCode(code)
	m.SetIdent(uint16(rest >> 16))
	m.SetSequence(uint16(rest))
	m.SetChecksum(header.ICMPv4Checksum(m[:header.ICMPv4MinimumSize], checksum.Checksum(body, 0)))
	return b
}

// icmpv6 returns an ICMPv6 message with the checksum over the IPv6 pseudo header.
func icmpv6(src, dst string, typ header.ICMPv6Type, code header.ICMPv6Code, rest uint32, body []byte) []byte {
	b := make([]byte, header.ICMPv6MinimumSize+len(body))
	copy(b[header.ICMPv6MinimumSize:], body)
	m := header.ICMPv6(b)
	m.SetType(typ)
	m.SetCode(code)
	m.SetTypeSpecific(rest)
	m.SetChecksum(header.ICMPv6Checksum(header.ICMPv6ChecksumParams{
		Header:      m[:header.ICMPv6MinimumSize],
		Src:         addr(src),
		Dst:         addr(dst),
		PayloadCsum: checksum.Checksum(body, 0),
		PayloadLen:  len(body),
	}))
	return b
}

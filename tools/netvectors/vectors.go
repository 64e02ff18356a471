package main

import (
	"encoding/binary"
	"fmt"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

type udpVector struct {
	Src     string `json:"src"`
	Dst     string `json:"dst"`
	SrcPort uint16 `json:"srcPort"`
	DstPort uint16 `json:"dstPort"`
	ID      uint16 `json:"id"`
	Data    string `json:"data"`
	Packet  string `json:"packet"`
}

type echoVector struct {
	Src      string `json:"src"`
	Dst      string `json:"dst"`
	ID       uint16 `json:"id"`
	Reply    bool   `json:"reply"`
	Ident    uint16 `json:"ident"`
	Sequence uint16 `json:"sequence"`
	Data     string `json:"data"`
	Packet   string `json:"packet"`
}

type unreachVector struct {
	ID        uint16 `json:"id"`
	Offending string `json:"offending"`
	Error     string `json:"error"`
}

type extHeaderVector struct {
	Packet        string   `json:"packet"`
	Headers       []int    `json:"headers"`
	Protocol      uint8    `json:"protocol"`
	PayloadOffset int      `json:"payloadOffset"`
	Fragment      *fragHdr `json:"fragment,omitempty"`
}

type fragHdr struct {
	Offset int    `json:"offset"`
	More   bool   `json:"more"`
	ID     uint32 `json:"id"`
}

type fragmentVector struct {
	Datagram  string   `json:"datagram"`
	Fragments []string `json:"fragments"`
}

const (
	v4a, v4b = "100.64.0.1", "100.101.102.103"
	v6a, v6b = "fd7a:115c:a1e0::1", "fd7a:115c:a1e0:ab12:4843:cd96:6258:b240"
	// The inner MTU of a tailnet: no packet we see or send is larger.
	mtu = 1280
)

func udpVectors() []udpVector {
	var out []udpVector
	add := func(src, dst string, sp, dp, id uint16, data []byte) {
		seg := udp(src, dst, sp, dp, data)
		var pkt []byte
		if addr(src).Len() == 4 {
			pkt = ipv4(src, dst, header.UDPProtocolNumber, id, v4Flags, 0, seg)
		} else {
			pkt = ipv6(src, dst, header.UDPProtocolNumber, nil, seg)
		}
		out = append(out, udpVector{src, dst, sp, dp, id, hx(data), hx(pkt)})
	}
	add(v4a, v4b, 53, 41641, 1, []byte("hello, tailnet"))
	add(v4b, v4a, 41641, 53, 0xfffe, nil)
	add(v4a, v4b, 1, 65535, 0x1234, det("udp4-odd", 1001))
	add(v6a, v6b, 5353, 5353, 0, det("udp6", 64))
	add(v6b, v6a, 65535, 1, 0, det("udp6-odd", 1195))
	// A payload whose checksum sums to zero, to pin down the 0xffff rule.
	for i := 0; ; i++ {
		data := []byte{byte(i >> 8), byte(i)}
		seg := udp(v6a, v6b, 7, 7, data)
		if binary.BigEndian.Uint16(seg[6:]) == 0xffff {
			add(v6a, v6b, 7, 7, 0, data)
			break
		}
	}
	return out
}

func echoVectors() []echoVector {
	var out []echoVector
	for i, reply := range []bool{false, true} {
		data := det(fmt.Sprint("echo", i), 56)
		ident, seq := uint16(0x4d4c+i), uint16(7+i)
		typ4, typ6 := header.ICMPv4Echo, header.ICMPv6EchoRequest
		if reply {
			typ4, typ6 = header.ICMPv4EchoReply, header.ICMPv6EchoReply
		}
		rest := uint32(ident)<<16 | uint32(seq)
		p4 := ipv4(v4a, v4b, header.ICMPv4ProtocolNumber, uint16(100+i), v4Flags, 0, icmpv4(typ4, 0, rest, data))
		out = append(out, echoVector{v4a, v4b, uint16(100 + i), reply, ident, seq, hx(data), hx(p4)})
		p6 := ipv6(v6a, v6b, header.ICMPv6ProtocolNumber, nil, icmpv6(v6a, v6b, typ6, 0, rest, data))
		out = append(out, echoVector{v6a, v6b, 0, reply, ident, seq, hx(data), hx(p6)})
	}
	return out
}

// unreachableVectors quote what gVisor's stack quotes: as much of the offending
// packet as keeps the error within 576 (IPv4) or 1280 (IPv6) bytes.
func unreachableVectors() []unreachVector {
	var out []unreachVector
	for i, n := range []int{10, 1000} {
		data := det(fmt.Sprint("unreach4-", n), n)
		offending := ipv4(v4b, v4a, header.UDPProtocolNumber, 9, v4Flags, 0, udp(v4b, v4a, 40000, 9999, data))
		quote := offending[:min(len(offending), header.IPv4MinimumProcessableDatagramSize-header.IPv4MinimumSize-header.ICMPv4MinimumSize)]
		id := uint16(500 + i)
		msg := icmpv4(header.ICMPv4DstUnreachable, header.ICMPv4PortUnreachable, 0, quote)
		out = append(out, unreachVector{id, hx(offending), hx(ipv4(v4a, v4b, header.ICMPv4ProtocolNumber, id, v4Flags, 0, msg))})
	}
	for _, n := range []int{10, 1300} {
		data := det(fmt.Sprint("unreach6-", n), n)
		offending := ipv6(v6b, v6a, header.UDPProtocolNumber, nil, udp(v6b, v6a, 40000, 9999, data))
		quote := offending[:min(len(offending), header.IPv6MinimumMTU-header.IPv6MinimumSize-header.ICMPv6DstUnreachableMinimumSize)]
		msg := icmpv6(v6a, v6b, header.ICMPv6DstUnreachable, header.ICMPv6PortUnreachable, 0, quote)
		out = append(out, unreachVector{0, hx(offending), hx(ipv6(v6a, v6b, header.ICMPv6ProtocolNumber, nil, msg))})
	}
	return out
}

// extHeaderVectors record what gVisor's extension header iterator walks
// through before it reaches the upper-layer header.
func extHeaderVectors() []extHeaderVector {
	seg := udp(v6a, v6b, 1000, 2000, det("ext", 40))
	hopByHop := header.IPv6SerializableHopByHopExtHdr{&header.IPv6RouterAlertOption{Value: header.IPv6RouterAlertMLD}}
	// gVisor cannot serialize routing or destination options headers, so these
	// are written by hand and only the walk is gVisor's.
	destOpts := []byte{uint8(header.IPv6RoutingExtHdrIdentifier), 0, 1, 4, 0, 0, 0, 0} // PadN
	routing := []byte{uint8(header.UDPProtocolNumber), 0, 4, 0, 0, 0, 0, 0}            // type 4, segments left 0
	handMade := append(append(append([]byte{}, destOpts...), routing...), seg...)
	packets := [][]byte{
		ipv6(v6a, v6b, header.UDPProtocolNumber, header.IPv6ExtHdrSerializer{hopByHop}, seg),
		ipv6(v6a, v6b, header.UDPProtocolNumber, header.IPv6ExtHdrSerializer{hopByHop,
			&header.IPv6SerializableFragmentExtHdr{FragmentOffset: 0, M: true, Identification: 0xdeadbeef}}, seg),
		ipv6(v6a, v6b, header.UDPProtocolNumber, header.IPv6ExtHdrSerializer{
			&header.IPv6SerializableFragmentExtHdr{FragmentOffset: 151, M: false, Identification: 7}}, seg),
		ipv6(v6a, v6b, tcpip.TransportProtocolNumber(header.IPv6DestinationOptionsExtHdrIdentifier), nil, handMade),
	}
	var out []extHeaderVector
	for _, p := range packets {
		out = append(out, walk(p))
	}
	return out
}

func walk(p []byte) extHeaderVector {
	h := header.IPv6(p)
	it := header.MakeIPv6PayloadIterator(header.IPv6ExtensionHeaderIdentifier(h.NextHeader()), buffer.MakeWithData(h.Payload()))
	v := extHeaderVector{Packet: hx(p)}
	for {
		next := it.NextHeaderIdentifier()
		hdr, done, err := it.Next()
		if err != nil || done {
			panic(fmt.Sprint("walk ended without an upper-layer header: ", err))
		}
		switch x := hdr.(type) {
		case header.IPv6RawPayloadHeader:
			v.Protocol = uint8(x.Identifier)
			v.PayloadOffset = len(p) - int(x.Buf.Size())
			return v
		case header.IPv6FragmentExtHdr:
			v.Fragment = &fragHdr{Offset: int(x.FragmentOffset()) * 8, More: x.More(), ID: x.ID()}
		}
		v.Headers = append(v.Headers, int(next))
		hdr.Release()
	}
}

// fragmentVectors split one UDP datagram per family into fragments of at most
// the tailnet MTU, as a sender on the other side of the tunnel would.
func fragmentVectors() []fragmentVector {
	var out []fragmentVector
	seg4 := udp(v4b, v4a, 5000, 6000, det("frag4", 3000))
	v4 := fragmentVector{Datagram: hx(ipv4(v4b, v4a, header.UDPProtocolNumber, 0xabcd, 0, 0, seg4))}
	const per4 = (mtu - header.IPv4MinimumSize) &^ 7
	for off := 0; off < len(seg4); off += per4 {
		end := min(off+per4, len(seg4))
		var flags uint8
		if end < len(seg4) {
			flags = header.IPv4FlagMoreFragments
		}
		v4.Fragments = append(v4.Fragments, hx(ipv4(v4b, v4a, header.UDPProtocolNumber, 0xabcd, flags, uint16(off), seg4[off:end])))
	}
	out = append(out, v4)

	seg6 := udp(v6b, v6a, 5000, 6000, det("frag6", 3000))
	// The reassembled datagram keeps only the fixed header: we are its
	// destination, so the hop-by-hop options in front of the fragments are spent.
	v6 := fragmentVector{Datagram: hx(ipv6(v6b, v6a, header.UDPProtocolNumber, nil, seg6))}
	hopByHop := header.IPv6SerializableHopByHopExtHdr{&header.IPv6RouterAlertOption{Value: header.IPv6RouterAlertMLD}}
	per6 := (mtu - header.IPv6MinimumSize - header.IPv6ExtHdrSerializer{hopByHop}.Length() - header.IPv6FragmentHeaderSize) &^ 7
	for off := 0; off < len(seg6); off += per6 {
		end := min(off+per6, len(seg6))
		frag := &header.IPv6SerializableFragmentExtHdr{FragmentOffset: uint16(off / 8), M: end < len(seg6), Identification: 0x01020304}
		v6.Fragments = append(v6.Fragments, hx(ipv6(v6b, v6a, header.UDPProtocolNumber, header.IPv6ExtHdrSerializer{hopByHop, frag}, seg6[off:end])))
	}
	out = append(out, v6)
	return out
}

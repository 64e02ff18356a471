// Command wgvectors records a WireGuard exchange made by wireguard-go's own
// device code (the tailscale/wireguard-go fork that Tailscale ships): two
// devices on in-memory links complete a handshake with a preshared key and
// carry one packet each way. Randomness is deterministic and logged, so the
// ephemeral private keys can be recovered from the log by matching the public
// keys in the messages. It also records mac1, mac2 and a cookie reply made by
// wireguard-go's CookieChecker and CookieGenerator. The Java engine's tests
// rebuild every message from these inputs and compare byte for byte.
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tailscale/wireguard-go/conn"
	"github.com/tailscale/wireguard-go/conn/bindtest"
	"github.com/tailscale/wireguard-go/device"
	"github.com/tailscale/wireguard-go/tun/tuntest"
	"golang.org/x/crypto/curve25519"
)

// detRand is SHA-256 in counter mode over a label; it keeps every read.
type detRand struct {
	mu    sync.Mutex
	ctr   uint64
	reads [][]byte
}

func (d *detRand) Read(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := 0; i < len(p); i += 32 {
		var c [8]byte
		binary.BigEndian.PutUint64(c[:], d.ctr)
		d.ctr++
		sum := sha256.Sum256(append([]byte("wgvectors"), c[:]...))
		copy(p[i:], sum[:])
	}
	d.reads = append(d.reads, append([]byte(nil), p...))
	return len(p), nil
}

// recording wraps a bind and keeps every datagram it sends.
type recording struct {
	conn.Bind
	from string
	mu   *sync.Mutex
	out  *[]datagram
}

type datagram struct {
	From  string `json:"from"`
	Bytes string `json:"bytes"`
}

func (r *recording) Send(bufs [][]byte, ep conn.Endpoint, offset int) error {
	r.mu.Lock()
	for _, b := range bufs {
		*r.out = append(*r.out, datagram{r.from, hex.EncodeToString(b[offset:])})
	}
	r.mu.Unlock()
	return r.Bind.Send(bufs, ep, offset)
}

func key(label string) []byte {
	s := sha256.Sum256([]byte(label))
	return s[:]
}

func pub(priv []byte) []byte {
	p, err := curve25519.X25519(priv, curve25519.Basepoint)
	if err != nil {
		log.Fatal(err)
	}
	return p
}

func marshal(v any) []byte {
	var b bytes.Buffer
	if err := binary.Write(&b, binary.LittleEndian, v); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

func main() {
	out := flag.String("out", "../../wireguard/src/test/resources/vectors/go-wireguard-vectors.json", "where to write the vectors")
	flag.Parse()
	det := &detRand{}
	rand.Reader = det

	privA, privB, psk := key("initiator static"), key("responder static"), key("preshared key")
	privA[0] &= 248
	privA[31] = privA[31]&127 | 64
	privB[0] &= 248
	privB[31] = privB[31]&127 | 64

	var mu sync.Mutex
	var sent []datagram
	binds := bindtest.NewChannelBinds()
	tunA, tunB := tuntest.NewChannelTUN(), tuntest.NewChannelTUN()
	logger := device.NewLogger(device.LogLevelError, "")
	devA := device.NewDevice(tunA.TUN(), &recording{binds[0], "initiator", &mu, &sent}, logger)
	devB := device.NewDevice(tunB.TUN(), &recording{binds[1], "responder", &mu, &sent}, logger)
	cfg := func(priv, peer []byte, allowed, endpoint string) string {
		return fmt.Sprintf("private_key=%x\nlisten_port=0\nreplace_peers=true\npublic_key=%x\npreshared_key=%x\n"+
			"protocol_version=1\nreplace_allowed_ips=true\nallowed_ip=%s\nendpoint=%s\n", priv, pub(peer), psk, allowed, endpoint)
	}
	// bindtest endpoints: port 1 reaches the responder from the initiator, 4 the other way.
	if err := devA.IpcSet(cfg(privA, privB, "1.0.0.2/32", "127.0.0.1:1")); err != nil {
		log.Fatal(err)
	}
	if err := devB.IpcSet(cfg(privB, privA, "1.0.0.1/32", "127.0.0.1:4")); err != nil {
		log.Fatal(err)
	}
	if err := devA.Up(); err != nil {
		log.Fatal(err)
	}
	if err := devB.Up(); err != nil {
		log.Fatal(err)
	}
	a, b := netip.MustParseAddr("1.0.0.1"), netip.MustParseAddr("1.0.0.2")
	pingAB, pingBA := tuntest.Ping(b, a), tuntest.Ping(a, b)
	tunA.Outbound <- pingAB
	expect(tunB.Inbound, pingAB)
	tunB.Outbound <- pingBA
	expect(tunA.Inbound, pingBA)
	devA.Close()
	devB.Close()

	v := map[string]any{
		"source":                    "github.com/tailscale/wireguard-go device (see tools/wgvectors)",
		"initiatorStaticPrivate":    hex.EncodeToString(privA),
		"responderStaticPrivate":    hex.EncodeToString(privB),
		"presharedKey":              hex.EncodeToString(psk),
		"plaintextInitiatorToResponder": hex.EncodeToString(pingAB),
		"plaintextResponderToInitiator": hex.EncodeToString(pingBA),
		"datagrams":                 sent,
	}
	// The ephemeral private keys are among the logged random reads.
	for _, d := range sent {
		raw, _ := hex.DecodeString(d.Bytes)
		var eph []byte
		name := ""
		switch {
		case raw[0] == 1:
			eph, name = raw[8:40], "initiatorEphemeralPrivate"
		case raw[0] == 2:
			eph, name = raw[12:44], "responderEphemeralPrivate"
		default:
			continue
		}
		for _, r := range det.reads {
			if len(r) == 32 && bytes.Equal(pub(clamp(r)), eph) {
				v[name] = hex.EncodeToString(clamp(r))
			}
		}
	}
	v["cookie"] = cookieVectors(det, privB)
	write(*out, v)
}

func clamp(r []byte) []byte {
	k := append([]byte(nil), r...)
	k[0] &= 248
	k[31] = k[31]&127 | 64
	return k
}

func expect(ch chan []byte, want []byte) {
	select {
	case got := <-ch:
		if !bytes.Equal(got, want) {
			log.Fatalf("packet changed in transit")
		}
	case <-time.After(10 * time.Second):
		log.Fatal("packet did not arrive")
	}
}

// cookieVectors: the responder (privB) is under load and answers an initiation
// from source "src" with a cookie reply; the initiator retries with mac2.
func cookieVectors(det *detRand, privB []byte) map[string]string {
	var pk device.NoisePublicKey
	copy(pk[:], pub(privB))
	var checker device.CookieChecker
	var gen device.CookieGenerator
	checker.Init(pk)
	gen.Init(pk)
	msg := make([]byte, device.MessageInitiationSize)
	copy(msg, key("a message body"))
	copy(msg[32:], key("more body"))
	copy(msg[64:], key("and more"))
	copy(msg[96:], key("and the rest")[:20])
	msg[0], msg[1], msg[2], msg[3] = 1, 0, 0, 0
	gen.AddMacs(msg)
	withMac1 := append([]byte(nil), msg...)
	src := []byte{192, 0, 2, 7, 0x3c, 0xca} // address bytes and port, as the runtime forms them
	first := len(det.reads)
	reply, err := checker.CreateReply(msg, binary.LittleEndian.Uint32(msg[4:8]), src)
	if err != nil {
		log.Fatal(err)
	}
	var secret, nonce []byte
	for _, r := range det.reads[first:] {
		if len(r) == 32 {
			secret = r
		} else if len(r) == 24 {
			nonce = r
		}
	}
	replyBytes := marshal(reply)
	if !gen.ConsumeReply(reply) {
		log.Fatal("generator refused the reply")
	}
	gen.AddMacs(msg)
	if !checker.CheckMAC1(msg) || !checker.CheckMAC2(msg, src) {
		log.Fatal("checker refused its own cookie")
	}
	return map[string]string{
		"responderStaticPrivate": hex.EncodeToString(privB),
		"messageWithMac1":        hex.EncodeToString(withMac1),
		"source":                 hex.EncodeToString(src),
		"secret":                 hex.EncodeToString(secret),
		"nonce":                  hex.EncodeToString(nonce),
		"cookieReply":            hex.EncodeToString(replyBytes),
		"messageWithMac2":        hex.EncodeToString(msg),
	}
}

func write(path string, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}

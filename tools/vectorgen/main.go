// Command vectorgen prints known-answer vectors computed by the Go
// implementations that Tailscale runs (golang.org/x/crypto and
// tailscale.com/types/key, net/stun and disco), so the Java port can be checked
// against the real thing rather than against itself.
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"log"
	"os"
	"path/filepath"
)

func main() {
	cryptoOut := flag.String("crypto", "../../crypto/src/test/resources/vectors/go-crypto-vectors.json", "where to write the primitive vectors")
	keysOut := flag.String("keys", "../../core/src/test/resources/vectors/go-key-vectors.json", "where to write the key vectors")
	wireOut := flag.String("wire", "../../core/src/test/resources/vectors/go-wire-vectors.json", "where to write the STUN and DISCO wire vectors")
	flag.Parse()

	writeJSON(*cryptoOut, cryptoVectors())
	writeJSON(*keysOut, keyVectors())
	writeJSON(*wireOut, wireVectors())
}

func writeJSON(path string, v any) {
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

// det returns n bytes that depend only on label: SHA-256 in counter mode.
// Fixed labels keep every regeneration byte-for-byte identical.
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

func det32(label string) [32]byte {
	var k [32]byte
	copy(k[:], det(label, 32))
	return k
}

func det24(label string) [24]byte {
	var n [24]byte
	copy(n[:], det(label, 24))
	return n
}

func clamped(label string) [32]byte {
	k := det32(label)
	k[0] &= 248
	k[31] = (k[31] & 127) | 64
	return k
}

func hx(b []byte) string { return hex.EncodeToString(b) }

func hexAll(parts [][]byte) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = hx(p)
	}
	return out
}

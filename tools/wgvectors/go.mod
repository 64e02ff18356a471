module microlink.test/wgvectors

go 1.26.6

require (
	github.com/tailscale/wireguard-go v0.0.0-20260527010701-b48af7099cad
	golang.org/x/crypto v0.54.0
)

require (
	golang.org/x/net v0.56.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
)

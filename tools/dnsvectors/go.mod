module microlink.test/dnsvectors

go 1.26.6

require golang.org/x/net v0.56.0

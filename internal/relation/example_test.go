package relation_test

import (
	"fmt"

	"pakt/internal/relation"
)

func ExampleParseDepends() {
	groups, err := relation.ParseDepends("Depends", "libc, kernel (=5.15.137-1-4796), nginx-ssl-util (>=1.5-1) (<2), wget-ssl | uclient-fetch")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range groups {
		for _, a := range g.Alts {
			fmt.Printf("%s accepts 1.6-18: %v\n", a, a.Accepts("1.6-18"))
		}
	}
	fmt.Println(relation.Format(groups))
	// Output:
	// libc accepts 1.6-18: true
	// kernel (= 5.15.137-1-4796) accepts 1.6-18: false
	// nginx-ssl-util (>= 1.5-1) (<= 2) accepts 1.6-18: true
	// wget-ssl accepts 1.6-18: true
	// uclient-fetch accepts 1.6-18: true
	// libc, kernel (= 5.15.137-1-4796), nginx-ssl-util (>= 1.5-1) (<= 2), wget-ssl | uclient-fetch
}

func ExampleParseProvides() {
	atoms, _ := relation.ParseProvides("openvpn openvpn-crypto, erlang-erts=6.4 libfoo (= 1.2)")
	fmt.Println(relation.FormatAtoms(atoms))
	_, err := relation.ParseProvides("a | b")
	fmt.Println(err)
	// Output:
	// openvpn, openvpn-crypto, erlang-erts (= 6.4), libfoo (= 1.2)
	// Provides: column 3: '|' alternatives are not allowed here (in "a | b")
}

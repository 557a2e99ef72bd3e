package solver

import (
	"math/rand/v2"
	"testing"
)

// bruteSAT reports whether clauses with the assumptions have a model over n
// variables.
func bruteSAT(n int, clauses [][]lit, assumptions []lit) bool {
	for m := 0; m < 1<<n; m++ {
		val := func(l lit) bool { return (m>>l.variable())&1 == 1 != l.negative() }
		ok := true
		for _, a := range assumptions {
			ok = ok && val(a)
		}
		for _, c := range clauses {
			if !ok {
				break
			}
			sat := false
			for _, l := range c {
				sat = sat || val(l)
			}
			ok = sat
		}
		if ok {
			return true
		}
	}
	return false
}

func TestSATAgainstBruteForce(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	for iter := range 3000 {
		n := 1 + rng.IntN(10)
		s := newSAT()
		for range n {
			s.newVar(rng.IntN(2) == 0)
		}
		var clauses [][]lit
		for range rng.IntN(5 * n) {
			var c []lit
			for range 1 + rng.IntN(3) {
				l := posLit(rng.IntN(n))
				if rng.IntN(2) == 0 {
					l = l.not()
				}
				c = append(c, l)
			}
			clauses = append(clauses, c)
			s.addClause(c...)
		}
		var assumptions []lit
		for range rng.IntN(3) {
			l := posLit(rng.IntN(n))
			if rng.IntN(2) == 0 {
				l = l.not()
			}
			assumptions = append(assumptions, l)
		}
		got, err := s.solve(assumptions...)
		if err != nil {
			t.Fatal(err)
		}
		if want := bruteSAT(n, clauses, assumptions); got != want {
			t.Fatalf("%d: solve = %v, brute force %v; clauses %v assumptions %v", iter, got, want, clauses, assumptions)
		}
		if got {
			for _, c := range clauses {
				sat := false
				for _, l := range c {
					sat = sat || s.modelValue(l)
				}
				if !sat {
					t.Fatalf("%d: model violates %v", iter, c)
				}
			}
			for _, a := range assumptions {
				if !s.modelValue(a) {
					t.Fatalf("%d: model violates assumption %v", iter, a)
				}
			}
			continue
		}
		// The core is a subset of the assumptions that is unsatisfiable on
		// its own with the clauses.
		for _, l := range s.core {
			found := false
			for _, a := range assumptions {
				found = found || a == l
			}
			if !found {
				t.Fatalf("%d: core %v not within assumptions %v", iter, s.core, assumptions)
			}
		}
		if bruteSAT(n, clauses, s.core) {
			t.Fatalf("%d: core %v is satisfiable; clauses %v", iter, s.core, clauses)
		}
	}
}

func TestAtMost(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 10))
	for iter := range 300 {
		n := 1 + rng.IntN(8)
		k := rng.IntN(n + 1)
		s := newSAT()
		var lits []lit
		for range n {
			lits = append(lits, posLit(s.newVar(true)))
		}
		out := s.atMost(lits, k)
		var assumptions []lit
		if k < len(out) {
			assumptions = append(assumptions, out[k].not())
		}
		// Force a random number of inputs true; at most k may be.
		forced := rng.IntN(n + 1)
		for i := range forced {
			assumptions = append(assumptions, lits[i])
		}
		ok, err := s.solve(assumptions...)
		if err != nil {
			t.Fatal(err)
		}
		if want := forced <= k; ok != want {
			t.Fatalf("%d: n=%d k=%d forced=%d: solve %v", iter, n, k, forced, ok)
		}
		if ok {
			count := 0
			for _, l := range lits {
				if s.modelValue(l) {
					count++
				}
			}
			if count > k {
				t.Fatalf("%d: %d true, bound %d", iter, count, k)
			}
		}
	}
}

func TestAtMostOneLadder(t *testing.T) {
	t.Parallel()
	for n := 1; n <= 12; n++ {
		p := newProblem(NewIndex(nil), Request{})
		cands := make([]*cand, n)
		for i := range cands {
			cands[i] = &cand{v: p.s.newVar(false)}
		}
		p.atMostOne(cands)
		for mask := 0; mask < 1<<n; mask++ {
			var assumptions []lit
			ones := 0
			for i, c := range cands {
				if mask>>i&1 == 1 {
					assumptions = append(assumptions, c.lit())
					ones++
				} else {
					assumptions = append(assumptions, c.lit().not())
				}
			}
			ok, err := p.s.solve(assumptions...)
			if err != nil {
				t.Fatal(err)
			}
			if ok != (ones <= 1) {
				t.Fatalf("n=%d mask=%b: solve %v", n, mask, ok)
			}
		}
	}
}

package solver

// lit is a literal: variable v is 2v (true) or 2v+1 (false).
type lit int32

func posLit(v int) lit       { return lit(2 * v) }
func negLit(v int) lit       { return lit(2*v + 1) }
func (l lit) not() lit       { return l ^ 1 }
func (l lit) variable() int  { return int(l >> 1) }
func (l lit) negative() bool { return l&1 == 1 }

const noReason = -1

// sat is a small CDCL solver: two watched literals, 1-UIP learning, VSIDS
// decisions with a fixed preferred phase, restarts, and solving under
// assumptions with the failed-assumption set as the unsat core. It is
// incremental: clauses may be added between calls to solve.
type sat struct {
	clauses  [][]lit
	watchers [][]int32 // per literal: clauses watching it (it is c[0] or c[1])
	value    []int8    // per variable: 0 unassigned, 1 true, -1 false
	level    []int32
	reason   []int32
	trail    []lit
	trailLim []int
	qhead    int
	ok       bool

	activity []float64
	increase float64
	heap     varHeap
	phase    []bool // the value tried first at a decision
	seen     []bool

	model  []bool
	core   []lit // after a failed solve under assumptions: the assumptions involved
	budget int   // conflicts allowed per solve before giving up (0: unlimited)
}

func newSAT() *sat {
	s := &sat{ok: true, increase: 1}
	s.heap.activity = &s.activity
	return s
}

func (s *sat) newVar(phase bool) int {
	v := len(s.value)
	s.value = append(s.value, 0)
	s.level = append(s.level, 0)
	s.reason = append(s.reason, noReason)
	s.activity = append(s.activity, 0)
	s.phase = append(s.phase, phase)
	s.seen = append(s.seen, false)
	s.watchers = append(s.watchers, nil, nil)
	s.heap.insert(v)
	return v
}

// litValue is 1 when l is true, -1 when false, 0 when unassigned.
func (s *sat) litValue(l lit) int8 {
	v := s.value[l.variable()]
	if l.negative() {
		return -v
	}
	return v
}

func (s *sat) decisionLevel() int { return len(s.trailLim) }

func (s *sat) assign(l lit, reason int32) {
	v := l.variable()
	if l.negative() {
		s.value[v] = -1
	} else {
		s.value[v] = 1
	}
	s.level[v] = int32(s.decisionLevel())
	s.reason[v] = reason
	s.trail = append(s.trail, l)
}

// addClause adds a clause at decision level 0. It returns false when the
// clause set has become unsatisfiable.
func (s *sat) addClause(lits ...lit) bool {
	if !s.ok {
		return false
	}
	s.cancelUntil(0)
	c := make([]lit, 0, len(lits))
	for _, l := range lits {
		switch s.litValue(l) {
		case 1:
			return true
		case -1:
			continue
		}
		dup := false
		for _, m := range c {
			if m == l {
				dup = true
				break
			}
			if m == l.not() {
				return true
			}
		}
		if !dup {
			c = append(c, l)
		}
	}
	switch len(c) {
	case 0:
		s.ok = false
		return false
	case 1:
		s.assign(c[0], noReason)
		if s.propagate() != noReason {
			s.ok = false
		}
		return s.ok
	}
	s.attach(c)
	return true
}

func (s *sat) attach(c []lit) int32 {
	id := int32(len(s.clauses))
	s.clauses = append(s.clauses, c)
	s.watchers[c[0]] = append(s.watchers[c[0]], id)
	s.watchers[c[1]] = append(s.watchers[c[1]], id)
	return id
}

// propagate runs unit propagation and returns a conflicting clause or noReason.
func (s *sat) propagate() int32 {
	for s.qhead < len(s.trail) {
		falseLit := s.trail[s.qhead].not()
		s.qhead++
		ws := s.watchers[falseLit]
		i, j := 0, 0
		for i < len(ws) {
			id := ws[i]
			i++
			c := s.clauses[id]
			if c[0] == falseLit {
				c[0], c[1] = c[1], c[0]
			}
			if s.litValue(c[0]) == 1 {
				ws[j] = id
				j++
				continue
			}
			moved := false
			for k := 2; k < len(c); k++ {
				if s.litValue(c[k]) != -1 {
					c[1], c[k] = c[k], c[1]
					s.watchers[c[1]] = append(s.watchers[c[1]], id)
					moved = true
					break
				}
			}
			if moved {
				continue
			}
			ws[j] = id
			j++
			if s.litValue(c[0]) == -1 {
				j += copy(ws[j:], ws[i:])
				s.watchers[falseLit] = ws[:j]
				return id
			}
			s.assign(c[0], id)
		}
		s.watchers[falseLit] = ws[:j]
	}
	return noReason
}

func (s *sat) cancelUntil(level int) {
	if s.decisionLevel() <= level {
		return
	}
	for i := len(s.trail) - 1; i >= s.trailLim[level]; i-- {
		v := s.trail[i].variable()
		s.value[v] = 0
		s.reason[v] = noReason
		if !s.heap.contains(v) {
			s.heap.insert(v)
		}
	}
	s.trail = s.trail[:s.trailLim[level]]
	s.trailLim = s.trailLim[:level]
	s.qhead = len(s.trail)
}

func (s *sat) bump(v int) {
	s.activity[v] += s.increase
	if s.activity[v] > 1e100 {
		for i := range s.activity {
			s.activity[i] *= 1e-100
		}
		s.increase *= 1e-100
	}
	if s.heap.contains(v) {
		s.heap.up(s.heap.index[v])
	}
}

// analyze derives the first-UIP clause from a conflict and the level to
// return to.
func (s *sat) analyze(conflict int32) ([]lit, int) {
	learnt := []lit{0}
	pathCount := 0
	var p lit = -1
	idx := len(s.trail) - 1
	for {
		c := s.clauses[conflict]
		start := 0
		if p != -1 {
			start = 1
		}
		for _, q := range c[start:] {
			v := q.variable()
			if s.seen[v] || s.level[v] == 0 {
				continue
			}
			s.seen[v] = true
			s.bump(v)
			if int(s.level[v]) >= s.decisionLevel() {
				pathCount++
			} else {
				learnt = append(learnt, q)
			}
		}
		for !s.seen[s.trail[idx].variable()] {
			idx--
		}
		p = s.trail[idx]
		idx--
		conflict = s.reason[p.variable()]
		s.seen[p.variable()] = false
		pathCount--
		if pathCount == 0 {
			break
		}
	}
	learnt[0] = p.not()
	back := 0
	for i := 1; i < len(learnt); i++ {
		s.seen[learnt[i].variable()] = false
		if l := int(s.level[learnt[i].variable()]); l > back {
			back = l
			learnt[1], learnt[i] = learnt[i], learnt[1]
		}
	}
	s.increase *= 1 / 0.95
	return learnt, back
}

// analyzeFinal collects the assumptions that force the failed assumption p
// false.
func (s *sat) analyzeFinal(p lit) {
	s.core = append(s.core[:0], p)
	if s.decisionLevel() == 0 {
		return
	}
	s.seen[p.variable()] = true
	for i := len(s.trail) - 1; i >= s.trailLim[0]; i-- {
		v := s.trail[i].variable()
		if !s.seen[v] {
			continue
		}
		if r := s.reason[v]; r == noReason {
			s.core = append(s.core, s.trail[i])
		} else {
			for _, q := range s.clauses[r][1:] {
				if s.level[q.variable()] > 0 {
					s.seen[q.variable()] = true
				}
			}
		}
		s.seen[v] = false
	}
	s.seen[p.variable()] = false
}

// solve searches for a model under the assumptions. It returns true with
// s.model set, or false with s.core holding the assumptions responsible (empty
// when the clauses alone are unsatisfiable). A spent budget also returns false
// with errBudget set.
func (s *sat) solve(assumptions ...lit) (bool, error) {
	s.core = s.core[:0]
	if !s.ok {
		return false, nil
	}
	defer s.cancelUntil(0)
	conflicts := 0
	restartAt := 100
	sinceRestart := 0
	for {
		if conflict := s.propagate(); conflict != noReason {
			conflicts++
			sinceRestart++
			if s.budget > 0 && conflicts > s.budget {
				return false, errBudget
			}
			if s.decisionLevel() == 0 {
				s.ok = false
				return false, nil
			}
			learnt, back := s.analyze(conflict)
			s.cancelUntil(back)
			if len(learnt) == 1 {
				s.assign(learnt[0], noReason)
			} else {
				s.assign(learnt[0], s.attach(learnt))
			}
			continue
		}
		if sinceRestart >= restartAt {
			sinceRestart = 0
			restartAt += restartAt / 2
			s.cancelUntil(0)
			continue
		}
		if d := s.decisionLevel(); d < len(assumptions) {
			p := assumptions[d]
			switch s.litValue(p) {
			case 1:
				s.trailLim = append(s.trailLim, len(s.trail))
			case -1:
				s.analyzeFinal(p)
				return false, nil
			default:
				s.trailLim = append(s.trailLim, len(s.trail))
				s.assign(p, noReason)
			}
			continue
		}
		v := s.pickBranch()
		if v < 0 {
			s.model = s.model[:0]
			for _, x := range s.value {
				s.model = append(s.model, x == 1)
			}
			return true, nil
		}
		s.trailLim = append(s.trailLim, len(s.trail))
		if s.phase[v] {
			s.assign(posLit(v), noReason)
		} else {
			s.assign(negLit(v), noReason)
		}
	}
}

func (s *sat) pickBranch() int {
	for s.heap.len() > 0 {
		v := s.heap.pop()
		if s.value[v] == 0 {
			return v
		}
	}
	return -1
}

// modelValue is the value of l in the last model.
func (s *sat) modelValue(l lit) bool {
	return s.model[l.variable()] != l.negative()
}

// varHeap orders unassigned variables by activity, the lower index first
// among equals, so decisions are deterministic.
type varHeap struct {
	activity *[]float64
	items    []int
	index    []int // per variable: position in items, or -1
}

func (h *varHeap) len() int { return len(h.items) }

func (h *varHeap) contains(v int) bool { return v < len(h.index) && h.index[v] >= 0 }

func (h *varHeap) less(a, b int) bool {
	act := *h.activity
	if act[a] != act[b] {
		return act[a] > act[b]
	}
	return a < b
}

func (h *varHeap) insert(v int) {
	for len(h.index) <= v {
		h.index = append(h.index, -1)
	}
	h.index[v] = len(h.items)
	h.items = append(h.items, v)
	h.up(len(h.items) - 1)
}

func (h *varHeap) up(i int) {
	v := h.items[i]
	for i > 0 {
		parent := (i - 1) / 2
		if !h.less(v, h.items[parent]) {
			break
		}
		h.items[i] = h.items[parent]
		h.index[h.items[i]] = i
		i = parent
	}
	h.items[i] = v
	h.index[v] = i
}

func (h *varHeap) pop() int {
	top := h.items[0]
	last := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	h.index[top] = -1
	if len(h.items) > 0 {
		h.items[0] = last
		h.index[last] = 0
		h.down(0)
	}
	return top
}

func (h *varHeap) down(i int) {
	v := h.items[i]
	n := len(h.items)
	for {
		child := 2*i + 1
		if child >= n {
			break
		}
		if child+1 < n && h.less(h.items[child+1], h.items[child]) {
			child++
		}
		if !h.less(h.items[child], v) {
			break
		}
		h.items[i] = h.items[child]
		h.index[h.items[i]] = i
		i = child
	}
	h.items[i] = v
	h.index[v] = i
}

// atMost builds a totalizer over lits counting up to limit+1 and returns
// outputs where outputs[k] is implied true whenever at least k+1 of lits are
// true; assuming outputs[k].not() bounds the count to k.
func (s *sat) atMost(lits []lit, limit int) []lit {
	if len(lits) == 0 {
		return nil
	}
	if len(lits) == 1 {
		return []lit{lits[0]}
	}
	left := s.atMost(lits[:len(lits)/2], limit)
	right := s.atMost(lits[len(lits)/2:], limit)
	n := min(len(left)+len(right), limit+1)
	out := make([]lit, n)
	for i := range out {
		out[i] = posLit(s.newVar(false))
	}
	for i := 0; i <= len(left); i++ {
		for j := 0; j <= len(right); j++ {
			if i+j == 0 {
				continue
			}
			k := min(i+j, n)
			c := []lit{out[k-1]}
			if i > 0 {
				c = append(c, left[i-1].not())
			}
			if j > 0 {
				c = append(c, right[j-1].not())
			}
			s.addClause(c...)
		}
	}
	return out
}

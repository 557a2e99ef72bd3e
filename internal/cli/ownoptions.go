package cli

// scanToSubcommand reads only the global options in front of the
// sub-command and leaves the sub-command and everything after it, options
// included, as operands. It serves sub-commands that have options of their
// own (pakt key takes usign's -s, -p, -x ...), where opkg's permutation
// would otherwise read those words as global options.
func (s *optionSyntax) scanToSubcommand(args []string) scanResult {
	var res scanResult
	optind, optpos := 1, 0
	for optind < len(args) && (optpos > 0 || isOptionWord(args[optind])) {
		item, next, pos, done := s.next(args, optind, optpos)
		optind, optpos = next, pos
		if done {
			break
		}
		if item.diagnostic != "" {
			res.failed = true
		}
		res.items = append(res.items, item)
	}
	res.operands = args[min(optind, len(args)):]
	return res
}

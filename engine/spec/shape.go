package spec

import (
	"fmt"

	"github.com/goccy/go-yaml/token"
)

// Bounds on what reaches the YAML parser. Its memory grows with the square of
// the nesting depth (40 KB of "[" took 640 MB, 200 KB ran out of memory, which
// no recover can catch) and its time with the square of the keys of one block
// mapping, so a file past any of these is an error with a position, found on
// the tokens before the parser runs. A real task file nests about 8 deep.
const (
	MaxFileSize    = 256 << 10 // bytes
	MaxDepth       = 64        // collections (mappings and lists) nested in one another
	MaxMappingKeys = 2048      // keys of one block mapping; flow mappings {…} are not bounded
)

// checkSize reports a file larger than MaxFileSize, at the place it crosses it.
func checkSize(path string, data []byte) *Error {
	if len(data) <= MaxFileSize {
		return nil
	}
	p := offsetPos(data, MaxFileSize)
	return &Error{File: path, Line: p.Line, Col: p.Col,
		Msg:  fmt.Sprintf("the task file is larger than %d KiB; it goes on past here", MaxFileSize>>10),
		Hint: "a task file this large is a mistake, or generated: shorten it"}
}

// shape is what checkShape measured: the deepest nesting and the most keys
// in one block mapping.
type shape struct{ depth, keys int }

// blockLevel is one open block collection: the column of its keys or dashes.
type blockLevel struct {
	col  int
	seq  bool // a list of "- " entries, else a mapping
	keys int  // entries so far
	// open is true while the last entry has nothing after it on its line
	// (line): the parser then takes the next line as its value even at the
	// same column, so "-\n0:" is a mapping inside the list, not after it.
	open bool
	line int
	// tagged is true when that line ends with a tag ("k: !t"): the parser
	// then takes the next node as the value whatever its column, so
	// "a: !t\nb: !t\nc: 1" nests three deep at one column.
	tagged bool
}

// flowLevel is one open flow collection, [...] or {...}.
type flowLevel struct {
	seq    bool // [...]
	pair   bool // in a list, the entry is a one-pair mapping ("[a: b]"), a level of its own
	dashes int  // "- " entries inside it: the parser reads them as nested block lists
}

// shapeScan follows the nesting of a token stream the way the parser will
// build it: flow collections by their brackets, block collections by the
// columns of their "- ", "? " and "key:" tokens.
type shapeScan struct {
	path  string
	block []blockLevel
	flow  []flowLevel
	got   shape

	atNode     bool // the next token starts a node (after "- ", "? ", ":" or a line break)
	anchorName bool // the last token was "&": this one is the anchor's name
	nodeCol    int  // where the current node of the line started (its anchor or tag included)
	prevLine   int
	// A flow collection at the block level may turn out to be a key ("[a]: b"),
	// which puts all of it one level deeper: flowBase is the block depth it
	// opened at, flowPeak the deepest it reached, and flowKey how much deeper
	// than its base it went, kept for the one token after it closed.
	flowBase, flowPeak, flowKey int
}

// checkShape measures the nesting of tokens and returns an error at the first
// place it goes past MaxDepth or a block mapping past MaxMappingKeys.
func checkShape(path string, tokens token.Tokens) (shape, *Error) {
	s := &shapeScan{path: path, atNode: true}
	for _, tk := range tokens {
		if err := s.step(tk); err != nil {
			return s.got, err
		}
	}
	return s.got, nil
}

func (s *shapeScan) step(tk *token.Token) *Error {
	if tk.Type == token.CommentType || tk.Position == nil {
		return nil
	}
	line, col := tk.Position.Line, tk.Position.Column
	if line != s.prevLine {
		s.atNode = true
	}
	s.prevLine = line
	if s.atNode && tk.Type != token.MappingValueType {
		// A ":" never starts a node: its key is the node before it, even on
		// an earlier line ("0\n:" has its key at the 0's column).
		s.nodeCol, s.atNode = col, false
	}
	property := tk.Type == token.AnchorType || tk.Type == token.TagType || s.anchorName
	s.anchorName = tk.Type == token.AnchorType // "&a" is two tokens: "&", then the name
	if n := len(s.block); n > 0 && len(s.flow) == 0 && s.block[n-1].line == line {
		switch top := &s.block[n-1]; {
		case tk.Type == token.TagType:
			top.tagged = true
		case !property:
			top.open, top.tagged = false, false // the entry has a value on its own line
		}
	}
	flowKey := s.flowKey
	s.flowKey = 0
	switch tk.Type {
	case token.SequenceStartType, token.MappingStartType:
		if len(s.flow) == 0 {
			s.flowBase, s.flowPeak = len(s.block), 0
		}
		s.flow = append(s.flow, flowLevel{seq: tk.Type == token.SequenceStartType})
		s.atNode = true
		return s.deeper(tk, col, s.depth())
	case token.SequenceEndType, token.MappingEndType:
		if n := len(s.flow); n > 0 {
			s.flow = s.flow[:n-1]
			if n == 1 {
				s.flowKey = s.flowPeak - s.flowBase
			}
		}
	case token.CollectEntryType:
		s.atNode = true
		if n := len(s.flow); n > 0 {
			s.flow[n-1].pair = false
		}
	case token.SequenceEntryType:
		s.atNode = true
		if n := len(s.flow); n > 0 {
			s.flow[n-1].dashes++ // "[- - a]": the parser reads block lists inside flow ones
			return s.deeper(tk, col, s.depth())
		}
		return s.enter(tk, col, true)
	case token.MappingKeyType:
		s.atNode = true
		if len(s.flow) == 0 {
			return s.enter(tk, col, false)
		}
	case token.MappingValueType:
		s.atNode = true
		if n := len(s.flow); n > 0 {
			if f := &s.flow[n-1]; f.seq && !f.pair {
				f.pair = true // "[a: b]" is a list of a one-pair mapping
				s.got.keys = max(s.got.keys, 1)
				return s.deeper(tk, col, s.depth())
			}
			return nil
		}
		if err := s.enter(tk, s.nodeCol, false); err != nil {
			return err
		}
		if flowKey > 0 { // "[a]: b": the list is a key of the mapping just entered
			return s.deeper(tk, s.nodeCol, s.depth()+flowKey)
		}
	case token.DocumentHeaderType, token.DocumentEndType:
		if len(s.flow) == 0 {
			s.block = s.block[:0]
			s.atNode = true
		}
	}
	return nil
}

// depth is how many collections are open.
func (s *shapeScan) depth() int {
	d := len(s.block) + len(s.flow)
	for _, f := range s.flow {
		d += f.dashes
		if f.pair {
			d++
		}
	}
	return d
}

// enter records a block entry ("- ", "? " or a key) at col: a sibling of the
// entries at the same column, a child of those to its left.
func (s *shapeScan) enter(tk *token.Token, col int, seq bool) *Error {
	n := len(s.block)
	tagValue := n > 0 && s.block[n-1].open && s.block[n-1].tagged
	if !tagValue {
		for ; n > 0 && s.block[n-1].col > col; n-- {
			s.block = s.block[:n-1]
		}
		if n > 0 && s.block[n-1].col == col && s.block[n-1].seq && !s.block[n-1].open && !seq {
			s.block = s.block[:n-1] // a key after an indentless list ("k:\n- a\nnext: b") ends the list
			n--
		}
	}
	if n == 0 || tagValue || s.block[n-1].col < col || s.block[n-1].seq != seq {
		// Deeper; or at the same column, a list under a key ("k:\n- a") or a
		// mapping under an empty entry ("-\n0:"): a child too.
		s.block = append(s.block, blockLevel{col: col, seq: seq})
		n++
		if err := s.deeper(tk, col, s.depth()); err != nil {
			return err
		}
	}
	lvl := &s.block[n-1]
	lvl.open, lvl.line = true, tk.Position.Line
	lvl.keys++
	if !seq {
		s.got.keys = max(s.got.keys, lvl.keys)
		if lvl.keys > MaxMappingKeys {
			return s.errorAt(tk, col, fmt.Sprintf("a mapping with more than %d keys", MaxMappingKeys),
				"split it, or write it as a flow mapping {…}")
		}
	}
	return nil
}

// deeper records a nesting of d, reached at tk (at col), which must not pass
// MaxDepth.
func (s *shapeScan) deeper(tk *token.Token, col, d int) *Error {
	s.got.depth = max(s.got.depth, d)
	s.flowPeak = max(s.flowPeak, d)
	if d > MaxDepth {
		return s.errorAt(tk, col, fmt.Sprintf("collections nested more than %d deep", MaxDepth),
			"a task file nests about 8 deep; this looks generated or broken")
	}
	return nil
}

func (s *shapeScan) errorAt(tk *token.Token, col int, msg, hint string) *Error {
	return &Error{File: s.path, Line: max(tk.Position.Line, 1), Col: max(col, 1), Msg: msg, Hint: hint}
}

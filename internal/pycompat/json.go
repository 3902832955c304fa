package pycompat

import (
	"iter"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Dict is a Python dict as JSON and Str see it: its keys and values in
// insertion order. Values may be string, int, int64, float64, bool,
// []string, nil, a Dict or a slice of Dicts.
type Dict interface {
	Items() iter.Seq2[string, any]
}

// JSON encodes v like Python's json.dumps(v) with default arguments:
// ", " and ": " separators, non-ASCII escaped as \uXXXX, floats as repr().
func JSON(v any) string {
	var b strings.Builder
	writeJSON(&b, v)
	return b.String()
}

func writeJSON(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(Float(x))
	case string:
		writeJSONString(b, x)
	case []string:
		writeJSONSeq(b, '[', ']', x, func(s string) { writeJSONString(b, s) })
	case Dict:
		b.WriteByte('{')
		i := 0
		for k, v := range x.Items() {
			if i > 0 {
				b.WriteString(", ")
			}
			i++
			writeJSONString(b, k)
			b.WriteString(": ")
			writeJSON(b, v)
		}
		b.WriteByte('}')
	default:
		if dicts, ok := dictSlice(v); ok {
			writeJSONSeq(b, '[', ']', dicts, func(d Dict) { writeJSON(b, d) })
			return
		}
		writeJSONString(b, Str(v))
	}
}

// dictSlice returns the elements of v when v is a slice of Dicts (such as
// []render.Object).
func dictSlice(v any) ([]Dict, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice || !rv.Type().Elem().Implements(reflect.TypeFor[Dict]()) {
		return nil, false
	}
	out := make([]Dict, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface().(Dict)
	}
	return out, true
}

// writeJSONSeq writes open, the items separated by ", " (as Python's
// json.dumps does), then end.
func writeJSONSeq[T any](b *strings.Builder, open, end byte, items []T, write func(T)) {
	b.WriteByte(open)
	for i, item := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		write(item)
	}
	b.WriteByte(end)
}

func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r >= 0x7f:
			write := func(u rune) {
				b.WriteString(`\u`)
				for shift := 12; shift >= 0; shift -= 4 {
					b.WriteByte(hex[(u>>uint(shift))&0xf])
				}
			}
			if r > 0xffff {
				r -= 0x10000
				write(0xd800 + (r>>10)&0x3ff)
				write(0xdc00 + r&0x3ff)
			} else {
				write(r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// Float formats f like Python's repr(float): the shortest round-trip
// digits, "1.0" for integral values, exponent form outside [1e-4, 1e16).
func Float(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	if exp < -4 || exp >= 16 {
		sign := "+"
		if exp < 0 {
			sign, exp = "-", -exp
		}
		return mant + "e" + sign + pad2(exp)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Str is Python's str(v) for the values an Object holds: True/False for
// bools, a list repr (['a', 'b']) for lists.
func Str(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return Float(x)
	case string:
		return x
	case []string:
		return ReprList(x)
	case Dict:
		return JSON(x)
	}
	if _, ok := dictSlice(v); ok {
		return JSON(v)
	}
	return ""
}

package pycompat

import "strings"

// CSV renders rows as Python's csv.writer does: minimal quoting and "\r\n"
// line ends.
func CSV(header []string, rows [][]string) string {
	var b strings.Builder
	write := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteByte(',')
			}
			if strings.ContainsAny(c, ",\"\r\n") {
				b.WriteByte('"')
				b.WriteString(strings.ReplaceAll(c, `"`, `""`))
				b.WriteByte('"')
			} else {
				b.WriteString(c)
			}
		}
		b.WriteString("\r\n")
	}
	write(header)
	for _, r := range rows {
		write(r)
	}
	return b.String()
}

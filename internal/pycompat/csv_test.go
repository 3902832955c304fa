package pycompat

import "testing"

func TestCSV(t *testing.T) {
	got := CSV([]string{"a", "b"}, [][]string{{"x,y", `say "hi"`}, {" lead", ""}})
	want := "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n lead,\r\n"
	if got != want {
		t.Errorf("CSV = %q, want %q", got, want)
	}
}

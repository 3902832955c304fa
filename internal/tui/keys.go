package tui

import "charm.land/bubbles/v2/key"

// KeyMap holds every key binding of the checklist and of the confirmation
// step. The help line at the bottom of the screen is generated from it.
type KeyMap struct {
	Up, Down             key.Binding
	PageUp, PageDown     key.Binding
	Top, Bottom          key.Binding
	Toggle               key.Binding
	ToggleDown, ToggleUp key.Binding
	ToggleRepo           key.Binding
	ToggleAll            key.Binding
	Invert               key.Binding
	Sort                 key.Binding
	Filter               key.Binding
	Validate             key.Binding
	Quit                 key.Binding
	Help                 key.Binding
	Suspend              key.Binding
	// Open shows the files of the revision under the pointer; Back
	// returns from them to the revisions.
	Open, Back key.Binding

	// Filter editing.
	FilterAccept key.Binding
	FilterClear  key.Binding
	FilterDelete key.Binding
	FilterErase  key.Binding

	// Confirmation step.
	Yes, No key.Binding
	// Interrupt is ctrl+c at the confirmation step.
	Interrupt key.Binding
}

// DefaultKeyMap returns the bindings documented in docs/tui.md. Up/Down,
// Space, Tab, Enter and ctrl+c behave as in upstream's InquirerPy checklist.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:           key.NewBinding(key.WithKeys("up", "k", "ctrl+p"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j", "ctrl+n"), key.WithHelp("↓/j", "down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup", "ctrl+b", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown", "ctrl+f", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:          key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "first")),
		Bottom:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "last")),
		Toggle:       key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "select")),
		ToggleDown:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "select+down")),
		ToggleUp:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "select+up")),
		ToggleRepo:   key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "repo")),
		ToggleAll:    key.NewBinding(key.WithKeys("ctrl+a", "alt+a"), key.WithHelp("ctrl+a", "all shown")),
		Invert:       key.NewBinding(key.WithKeys("ctrl+r", "alt+r", "i"), key.WithHelp("i", "invert shown")),
		Sort:         key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Validate:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "validate")),
		Quit:         key.NewBinding(key.WithKeys("ctrl+c", "esc", "q"), key.WithHelp("esc/q", "quit")),
		Help:         key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more")),
		Suspend:      key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("ctrl+z", "suspend")),
		Open:         key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→", "files")),
		Back:         key.NewBinding(key.WithKeys("left", "h", "backspace"), key.WithHelp("←", "back")),
		FilterAccept: key.NewBinding(key.WithKeys("enter", "tab", "down", "up"), key.WithHelp("enter", "keep filter")),
		FilterClear:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		FilterDelete: key.NewBinding(key.WithKeys("backspace", "ctrl+h"), key.WithHelp("backspace", "delete")),
		FilterErase:  key.NewBinding(key.WithKeys("ctrl+u", "ctrl+w"), key.WithHelp("ctrl+u", "erase")),
		Yes:          key.NewBinding(key.WithKeys("y", "Y", "enter"), key.WithHelp("y/enter", "yes")),
		No:           key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "no")),
		Interrupt:    key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "abort")),
	}
}

// ShortHelp is the one-line help shown under the list.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Toggle, k.Validate, k.Open, k.Filter, k.Help, k.Quit}
}

// FullHelp is the help shown after pressing "?".
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Toggle, k.ToggleDown, k.ToggleUp, k.ToggleRepo, k.ToggleAll, k.Invert},
		{k.Open, k.Back, k.Filter, k.Sort, k.Validate, k.Quit, k.Suspend, k.Help},
	}
}

// filesHelp is the help line of the file view.
func (k KeyMap) filesHelp() []key.Binding {
	all := key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "all files"))
	back := key.NewBinding(key.WithKeys("left"), key.WithHelp("←/esc", "back"))
	quit := key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit"))
	return []key.Binding{k.Toggle, all, back, k.Validate, quit}
}

// filterHelp is the help line while the filter is being typed.
func (k KeyMap) filterHelp() []key.Binding {
	return []key.Binding{k.FilterAccept, k.FilterClear, k.FilterDelete, k.FilterErase}
}

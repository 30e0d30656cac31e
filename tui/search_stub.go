//go:build !searchready

package tui

import tea "charm.land/bubbletea/v2"

type listSearch struct{ query string }

type searchMsg struct{}

func (s *listSearch) summary() string          { return "" }
func (s *listSearch) restart(m *Model) tea.Cmd { return nil }
func (l *listScreen) startSearch(m *Model, q string) tea.Cmd {
	m.setError("search is not built yet")
	return nil
}
func (l *listScreen) clearSearch(m *Model) tea.Cmd               { return nil }
func (l *listScreen) searchUpdate(m *Model, _ searchMsg) tea.Cmd { return nil }

package ui

// QuitRequestMsg asks the dashboard to quit as the quit key does: the first
// starts the graceful shutdown (WithShutdown's, the screen showing work
// halting), a second while it runs quits at once. It is how a signal handler
// quits the dashboard: Program.Send(ui.QuitRequestMsg{}). It works whatever
// has the focus (a filter being typed, a confirmation).
type QuitRequestMsg struct{}

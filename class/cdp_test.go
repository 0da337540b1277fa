package class

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// browser is a headless Chromium driven over the DevTools protocol: the
// test reads what the page shows, when it shows it, instead of guessing
// how long the page takes.
type browser struct {
	cmd *exec.Cmd
	ws  *websocket.Conn
	id  int
}

// openBrowser starts chromium on url and connects to its page.
func openBrowser(t *testing.T, chrome, url string) *browser {
	t.Helper()
	// Chromium's helpers may still write to the profile after it is
	// told to stop: the profile is removed after the whole group ended,
	// and not by t.TempDir.
	profile, err := os.MkdirTemp("", "sysdojo-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir="+profile,
		"--window-size=1600,900", url)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		for i := 0; i < 50 && syscall.Kill(-cmd.Process.Pid, 0) == nil; i++ {
			time.Sleep(20 * time.Millisecond)
		}
		os.RemoveAll(profile)
	})
	b := &browser{cmd: cmd}
	var port string
	waitFor(t, "chromium's DevTools port", func() bool {
		data, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort"))
		port, _, _ = strings.Cut(string(data), "\n")
		return err == nil && port != ""
	})
	var wsURL string
	waitFor(t, "the page's DevTools target", func() bool {
		resp, err := http.Get("http://127.0.0.1:" + port + "/json/list")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var targets []struct{ Type, URL, WebSocketDebuggerURL string }
		json.NewDecoder(resp.Body).Decode(&targets)
		for _, tg := range targets {
			if tg.Type == "page" && strings.HasPrefix(tg.URL, url[:strings.Index(url, "?")]) {
				wsURL = tg.WebSocketDebuggerURL
			}
		}
		return wsURL != ""
	})
	ws, err := websocket.Dial(wsURL, "", "http://127.0.0.1/")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	b.ws = ws
	return b
}

// call sends one DevTools command and returns its result.
func (b *browser) call(t *testing.T, method string, params any) json.RawMessage {
	t.Helper()
	b.id++
	if err := websocket.JSON.Send(b.ws, map[string]any{"id": b.id, "method": method, "params": params}); err != nil {
		t.Fatal(err)
	}
	for {
		var msg struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct{ Message string }
		}
		if err := websocket.JSON.Receive(b.ws, &msg); err != nil {
			t.Fatal(err)
		}
		if msg.ID != b.id {
			continue // an event
		}
		if msg.Error != nil {
			t.Fatalf("%s: %s", method, msg.Error.Message)
		}
		return msg.Result
	}
}

// eval returns the string value of a JavaScript expression in the page.
func (b *browser) eval(t *testing.T, expr string) string {
	t.Helper()
	var r struct{ Result struct{ Value any } }
	json.Unmarshal(b.call(t, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}), &r)
	return fmt.Sprint(r.Result.Value)
}

// waitText waits until the page's HTML contains every one of want.
func (b *browser) waitText(t *testing.T, want ...string) string {
	t.Helper()
	var html string
	waitFor(t, fmt.Sprintf("the page to show %q", want), func() bool {
		html = b.eval(t, "document.documentElement.outerHTML")
		for _, w := range want {
			if !strings.Contains(html, w) {
				return false
			}
		}
		return true
	})
	return html
}

// screenshot writes the page as a PNG.
func (b *browser) screenshot(t *testing.T, path string) {
	t.Helper()
	var r struct{ Data string }
	json.Unmarshal(b.call(t, "Page.captureScreenshot", map[string]any{"format": "png"}), &r)
	data, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil || len(data) < 10000 {
		t.Fatalf("screenshot: %d bytes, %v", len(data), err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitFor waits for cond, polling; after two minutes the test fails
// (the wait is for a browser starting on a busy machine, not a timing
// claim).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited two minutes for %s", what)
		}
	}
}

package nsfake

import "testing"

func TestUpsertWithoutReplaceAppends(t *testing.T) {
	stored := map[string]any{"item": map[string]any{"items": []any{map[string]any{"amount": "10.00"}}}}
	sent := func() map[string]any {
		return map[string]any{"item": map[string]any{"items": []any{map[string]any{"amount": "10.00"}}}}
	}
	b := sent()
	mergeUnkeyedSublists("invoice", b, stored, "")
	if n := len(b["item"].(map[string]any)["items"].([]any)); n != 2 {
		t.Errorf("update without replace: %d lines, want 2 (NetSuite appends)", n)
	}
	b = sent()
	mergeUnkeyedSublists("invoice", b, stored, "item")
	if n := len(b["item"].(map[string]any)["items"].([]any)); n != 1 {
		t.Errorf("update with replace=item: %d lines, want 1", n)
	}
}

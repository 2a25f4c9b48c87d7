"""Electronic certified copies from originals (chứng thực bản sao điện tử từ bản chính), produced and signed at
the counter with their register number (issue 10, part 7)."""

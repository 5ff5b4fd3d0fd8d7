"""One writer per export format: each writes files exactly as the network or tool exports them."""

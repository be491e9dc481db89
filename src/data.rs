//! Message content: dot-stuffing (send), dot-unstuffing and end-of-data detection
//! (receive), BDAT chunk framing.

//! SASL mechanisms (RFC 4422) as pure exchanges, client and server side.

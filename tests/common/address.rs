//! proptest strategies for the address types, built from their public constructors only.

use esmtp::{AddressLiteral, Domain, ForwardPath, Host, LocalPart, Mailbox, ReversePath};
use proptest::prelude::*;

/// An LDH label or a U-label.
fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9]([a-zA-Z0-9-]{0,12}[a-zA-Z0-9])?",
        1 => "[a-z]{0,3}[é中ä日][a-z]{0,3}",
    ]
}

/// Domains of one to four labels.
pub fn domain() -> impl Strategy<Value = Domain> {
    proptest::collection::vec(label(), 1..4)
        .prop_map(|labels| Domain::new(&labels.join(".")).unwrap())
}

/// IPv4, IPv6 and general literals.
pub fn address_literal() -> impl Strategy<Value = AddressLiteral> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|o| AddressLiteral::Ipv4(o.into())),
        any::<[u16; 8]>().prop_map(|g| AddressLiteral::Ipv6(g.into())),
        ("[a-zA-Z][a-zA-Z0-9-]{0,6}[a-zA-Z0-9]", "[!-Z^-~]{1,12}")
            .prop_filter_map("the IPv6 tag is not general", |(tag, content)| {
                AddressLiteral::general(&tag, &content).ok()
            },),
    ]
}

/// A domain or an address literal.
pub fn host() -> impl Strategy<Value = Host> {
    prop_oneof![3 => domain().prop_map(Host::Domain), 1 => address_literal().prop_map(Host::Literal)]
}

/// Dot-strings, quoted strings (with quoted-pairs), and UTF-8 local parts.
pub fn local_part() -> impl Strategy<Value = LocalPart> {
    prop_oneof![
        4 => "[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]{1,10}(\\.[a-zA-Z0-9_+-]{1,8}){0,2}",
        2 => "[ -~]{0,20}".prop_map(|v| LocalPart::from_value(&v).unwrap().as_str().to_owned()),
        1 => "[a-z]{0,4}[ñüδ用][a-z]{0,4}",
    ]
    .prop_map(|s| LocalPart::new(&s).unwrap())
}

/// Mailboxes that fit a path.
pub fn mailbox() -> impl Strategy<Value = Mailbox> {
    (local_part(), host()).prop_filter_map("fits a path", |(l, h)| Mailbox::new(l, h).ok())
}

/// `<>` or a mailbox.
pub fn reverse_path() -> impl Strategy<Value = ReversePath> {
    prop_oneof![1 => Just(ReversePath::Null), 6 => mailbox().prop_map(ReversePath::Mailbox)]
}

/// `<Postmaster>` or a mailbox.
pub fn forward_path() -> impl Strategy<Value = ForwardPath> {
    prop_oneof![1 => Just(ForwardPath::Postmaster), 6 => mailbox().prop_map(ForwardPath::Mailbox)]
}

//! The default SOP pack, embedded at build time so `passerelle init` and the tests have it
//! without reading the disk. The files stay in `content/sops/`, where an administrator edits
//! copies of them.

/// `(file name, text)` of every SOP of the default pack, ready for [`super::load_pack`].
pub fn default_pack() -> Vec<(&'static str, &'static str)> {
    vec![
        ("child_protection.toml", include_str!("../../../../content/sops/child_protection.toml")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sop::{Known, Phase, RiskLevel, load_pack};

    #[test]
    fn the_default_pack_validates() {
        let sops = match load_pack(&default_pack(), &Known::default()) {
            Ok(s) => s,
            Err(diags) => {
                let all: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
                panic!("default pack has problems:\n{}", all.join("\n"));
            }
        };
        assert_eq!(sops.len(), default_pack().len());
    }
}

//! The default SOP pack, embedded at build time so `passerelle init` and the tests have it
//! without reading the disk. The files stay in `content/sops/`, where an administrator edits
//! copies of them.

/// `(file name, text)` of every SOP of the default pack, ready for [`super::load_pack`].
pub fn default_pack() -> Vec<(&'static str, &'static str)> {
    vec![
        ("child_protection.toml", include_str!("../../../../content/sops/child_protection.toml")),
        ("youth_at_risk.toml", include_str!("../../../../content/sops/youth_at_risk.toml")),
        ("social_welfare.toml", include_str!("../../../../content/sops/social_welfare.toml")),
        ("gbv.toml", include_str!("../../../../content/sops/gbv.toml")),
        ("older_persons.toml", include_str!("../../../../content/sops/older_persons.toml")),
        ("trafficking.toml", include_str!("../../../../content/sops/trafficking.toml")),
        ("homelessness.toml", include_str!("../../../../content/sops/homelessness.toml")),
        (
            "employment_integration.toml",
            include_str!("../../../../content/sops/employment_integration.toml"),
        ),
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

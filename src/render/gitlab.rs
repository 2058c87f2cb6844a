use super::FileReport;

pub fn gitlab(_files: &[FileReport]) -> String {
    String::new()
}

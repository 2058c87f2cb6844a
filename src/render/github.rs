use super::FileReport;

pub fn github(_files: &[FileReport]) -> String {
    String::new()
}

package backup

import "net/url"

// The URL checks of the remote destinations, for the external tests: Open
// would go on to connect.

func ParseS3URL(raw string) (s3Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return s3Config{}, err
	}
	return parseS3URL(u)
}

func ParseSFTPURL(raw string) (sftpConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return sftpConfig{}, err
	}
	return parseSFTPURL(u)
}

// Display is what String shows of the destination.
func (c s3Config) Display() string   { return c.display }
func (c sftpConfig) Display() string { return c.display }

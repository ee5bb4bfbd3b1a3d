import { Button, Result } from 'antd';
import { Link } from 'react-router';

/** A path the app does not have. */
export default function NotFoundPage() {
  return (
    <Result
      status="404"
      title="页面不存在"
      subTitle="您要找的页面不存在，可能链接有误。"
      extra={
        <Link to="/">
          <Button type="primary" size="large">
            回到首页
          </Button>
        </Link>
      }
    />
  );
}

import { Alert, Button, Typography } from 'antd';
import { useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../../error-messages.ts';
import { ReasonDialog } from '../../judge/reason-dialog.tsx';
import { type JudgingCampaign, PublishResults } from './documents.ts';

/** 公布结果, after a confirmation: awards, ratings and scores freeze and schools see their results. */
export function PublishButton({
  campaign,
  onChanged,
}: {
  readonly campaign: JudgingCampaign;
  readonly onChanged: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const [published, setPublished] = useState(false);
  const [, publish] = useMutation(PublishResults);
  return (
    <section aria-labelledby="publish-title">
      <Typography.Title level={2} id="publish-title" style={{ fontSize: 18, marginTop: 24 }}>
        公布结果
      </Typography.Title>
      {campaign.status === 'RESULTS_PUBLISHED' ? (
        <Alert type="success" showIcon title={published ? '结果已公布。' : '此活动的结果已公布。'} role="status" />
      ) : (
        <Button type="primary" onClick={() => setAsking(true)}>
          公布结果
        </Button>
      )}
      {asking && (
        <ReasonDialog
          title={`公布结果：${campaign.title}`}
          hint={`公布后奖项和评分将冻结，学校可以看到结果。已授奖 ${campaign.awardsGranted} 项。`}
          confirmLabel="确认公布"
          onConfirm={async () => {
            const result = await publish({ input: { id: campaign.id } });
            return result.error ? errorMessage(result.error) : undefined;
          }}
          onClose={(done) => {
            setAsking(false);
            if (done) {
              setPublished(true);
              onChanged();
            }
          }}
        />
      )}
    </section>
  );
}

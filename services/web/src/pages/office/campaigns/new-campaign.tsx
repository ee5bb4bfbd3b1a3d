import '../../../forms/zod-jitless.ts';
import { CAMPAIGN_KIND_LABELS, CampaignKind } from '@qingmiao/schema';
import { App, Button } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import type { FormAnswer } from '../../../forms/form-sending.ts';
import { emptyCampaignDraft } from './campaign-draft.ts';
import { chinaYear } from './china-time.ts';
import { CreateCampaign } from './documents.ts';
import { CampaignWizard, wizardRefusal } from './wizard.tsx';

// A taken id is the one conflict a new campaign can meet.
const TAKEN_ID: FormAnswer = {
  errors: { id: '该编号已被其他活动使用，请换一个' },
  message: '活动编号已被使用，未创建。',
};

const isKind = (value: string | null): value is CampaignKind => CampaignKind.safeParse(value).success;

/** `/office/campaigns/new?kind=ESSAY`: pick the kind, then fill in its wizard. */
export function NewCampaign() {
  const [params, setParams] = useSearchParams();
  const kind = params.get('kind');
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [, createCampaign] = useMutation(CreateCampaign);
  // Made once per page, so a retry after a lost answer sends the same id (and the server answers it as done).
  const [idTail] = useState(() => crypto.randomUUID().slice(0, 4));

  if (!isKind(kind)) {
    return (
      <section>
        <h1 className="page-title">新建活动：选择类型</h1>
        <div className="kind-picker">
          {CampaignKind.options.map((option) => (
            <Button key={option} onClick={() => setParams({ kind: option })}>
              {CAMPAIGN_KIND_LABELS[option]}
            </Button>
          ))}
        </div>
        <Link to="/office/campaigns">返回活动列表</Link>
      </section>
    );
  }

  const submit = async (input: Parameters<typeof createCampaign>[0]['input']): Promise<FormAnswer> => {
    const answer = await createCampaign({ input });
    if (answer.error) return wizardRefusal(answer.error, TAKEN_ID);
    const id = answer.data?.createCampaign.id ?? input.id;
    message.success(`已创建活动 ${id}（草稿），开启后学校即可提交`);
    navigate(`/office/campaigns/${id}`);
    return {};
  };

  return (
    <section>
      <h1 className="page-title">新建{CAMPAIGN_KIND_LABELS[kind]}活动</h1>
      <p>
        <Link to="/office/campaigns/new">重新选择类型</Link>
      </p>
      <CampaignWizard
        key={kind}
        initial={emptyCampaignDraft(kind, chinaYear(Date.now()), idTail)}
        idTail={idTail}
        onSubmit={submit}
      />
    </section>
  );
}
